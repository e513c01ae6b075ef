# The Paved GitHub App as a container: `docker build -t paved .`; Kubernetes manifests in deploy/.
# Stage 1 builds with the dev dependencies (TypeScript); stage 2 carries only what runs.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY schemas ./schemas
COPY templates ./templates
COPY src ./src
# The build precompiles the schemas and the built-in templates (scripts/gen-*.mjs) into dist/.
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 PAVED_STATE_DIR=/var/lib/paved
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY schemas ./schemas
COPY templates ./templates
COPY app.yml ./
# The image's unprivileged user (uid 1000); the state dir holds the checks in progress across container restarts.
RUN mkdir -p /var/lib/paved && chown node:node /var/lib/paved
USER node
EXPOSE 3000
# node itself is PID 1's only child under Kubernetes: SIGTERM drains (finish or hand back, exit 0).
STOPSIGNAL SIGTERM
CMD ["node", "dist/server.js"]
