/**
 * The org config's usual home, in the organisation's `.github` repository. Here, in core, so the
 * renderer can name the document its config findings are about (it cannot import settings/, which
 * imports it); settings/paths.ts passes it on to the shells.
 */
export const ORG_CONFIG_PATH = ".github/paved.yml";
