# syntax=docker/dockerfile:1.7
# Backend image. Build context: the repository root (the npm workspaces share one lockfile):
#   docker build -f docker/backend.Dockerfile -t nest-auth-stack/backend .
# The same image runs the API (default CMD) and the one-shot migration service (see docker-compose.yml).

# One pinned Node 24 LTS base for every stage, so the native addon (argon2) is loaded by the same
# Node ABI and glibc it was installed for. Override to pin a digest in your registry.
ARG NODE_IMAGE=node:24.21.0-trixie-slim

# ---- build: all backend dependencies + TypeScript → backend/dist ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY backend/package.json backend/
# TypeScript is a devDependency of the repository root, shared by the workspaces: hence
# --include-workspace-root. Install scripts stay off: argon2 ships prebuilt binaries that
# node-gyp-build finds at run time, and the root's `node` package (whose script would fetch a second
# Node binary) then only leaves a dangling bin link that PATH lookup skips.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --workspace backend --include-workspace-root --ignore-scripts --no-audit --no-fund
COPY backend/tsconfig.json backend/tsconfig.build.json backend/
COPY backend/src backend/src
RUN npm run build --workspace backend

# ---- prod-deps: production dependencies only ----
# --omit=optional drops the 60 MB embedded-PostgreSQL binary: production always has DATABASE_URL.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY backend/package.json backend/
RUN --mount=type=cache,target=/root/.npm \
    npm ci --workspace backend --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
 && mkdir -p backend/node_modules

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
# jemalloc as malloc, preloaded by scripts/with-jemalloc.sh (CMD): glibc's malloc keeps each hashing
# thread's argon2 block for the life of the process; jemalloc hands it back ~10–15 s after the last
# sign-in (BENCHMARKS.md, fifteenth session).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libjemalloc2 \
 && rm -rf /var/lib/apt/lists/*
# The heap sizing of `npm start` (see BENCHMARKS.md: RSS under load < 200 MB at ~+5 % CPU per
# request); an environment variable so a deployment with more memory can lift it. (`--no-maglev`,
# `--no-allocation-site-pretenuring` and `--heap-growing-percent` are not allowed in NODE_OPTIONS, so
# they are in CMD.)
ENV NODE_ENV=production \
    ENVIRONMENT=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    NODE_OPTIONS="--v8-pool-size=2 --max-semi-space-size=16 --max-old-space-size=160"
WORKDIR /app
# Owned by root and only readable by the app user: a compromised process cannot rewrite its own code.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=prod-deps /app/backend/node_modules ./backend/node_modules
# package.json carries "type": "module", which dist/ needs to load as ESM.
COPY backend/package.json backend/
COPY backend/scripts/with-jemalloc.sh backend/scripts/
COPY --from=build /app/backend/dist backend/dist
WORKDIR /app/backend
USER node
EXPOSE 8000
# Node's own fetch: the slim image has no curl, and the check must not need a shell.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/api/health',{signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form, and the launcher execs node: node is PID 1's child under `init: true` (compose) and
# receives SIGTERM directly. The same command as `npm start`.
CMD ["sh", "scripts/with-jemalloc.sh", "node", "--no-maglev", "--no-allocation-site-pretenuring", "--heap-growing-percent=20", "dist/main.js"]
