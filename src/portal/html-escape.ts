/** Text and attribute values for HTML: everything a browser could read as markup or leave a quoted attribute with. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An href the page may carry: its own paths, or http(s) URLs; anything else (javascript:, data:) becomes inert. */
export function safeHref(url: string): string {
  if (url.startsWith("/") && !url.startsWith("//")) return escapeHtml(url);
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? escapeHtml(parsed.href) : "#";
  } catch {
    return "#";
  }
}
