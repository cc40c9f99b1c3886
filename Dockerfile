# syntax=docker/dockerfile:1
#
# Leads service image. Build:  docker build -t leads-service .
# Run it against an external PostgreSQL (DATABASE_URL is required in a container; without it the
# service would try to start an embedded PostgreSQL). See docker-compose.yml for a complete setup.

# ---- build: install all dependencies and compile server/src to server/dist -----------------------
FROM node:24-bookworm-slim AS build
WORKDIR /app

# Manifests first, so the dependency layer is cached until one of them changes.
COPY package.json package-lock.json ./
COPY server/package.json server/
COPY client-sdk/package.json client-sdk/
RUN npm ci --no-audit --no-fund

COPY tsconfig*.json ./
COPY server/ server/
# Only the server: the image does not ship the client SDK.
RUN npm run build:server

# ---- runtime: production dependencies and the compiled server only -------------------------------
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000
WORKDIR /app

COPY package.json package-lock.json ./
COPY server/package.json server/
COPY client-sdk/package.json client-sdk/
# Only the server workspace's production dependencies (no jest, typescript, @mikro-orm/cli...).
# --ignore-scripts: the only install scripts in the production tree are @embedded-postgres/<platform>
# (prepares the embedded PostgreSQL binaries, never started here because DATABASE_URL is always set)
# and @apollo/protobufjs (which package.json's allowScripts already declines); nothing the service
# uses at runtime needs a script, and skipping them keeps the install reproducible.
RUN npm ci --omit=dev --workspace server --include-workspace-root=false --ignore-scripts \
        --no-audit --no-fund \
    && npm cache clean --force \
    && mkdir -p /app/.data && chown node:node /app/.data

COPY --from=build /app/server/dist server/dist

# The official image's unprivileged user; the application files stay root-owned (read-only to it),
# only DATA_DIR (/app/.data by default) is writable.
USER node

EXPOSE 4000

# Liveness only (process up); readiness (/readyz, database reachable) is checked by the orchestrator,
# see docker-compose.yml. Slim images have no curl, so node makes the request.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "require('node:http').get({host:'127.0.0.1',port:process.env.PORT||4000,path:'/healthz',timeout:4000},r=>process.exit(r.statusCode>=200&&r.statusCode<300?0:1)).on('timeout',()=>process.exit(1)).on('error',()=>process.exit(1))"]

CMD ["node", "server/dist/main.js"]
