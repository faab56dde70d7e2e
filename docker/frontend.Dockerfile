# syntax=docker/dockerfile:1.7
# Frontend image (Next.js `output: 'standalone'`). Build context: the repository root:
#   docker build -f docker/frontend.Dockerfile -t nest-auth-stack/frontend .
# No secret is needed to build: everything secret is read at run time from the environment.

ARG NODE_IMAGE=node:24.21.0-trixie-slim

# ---- build: all frontend dependencies + `next build` ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json .npmrc ./
COPY frontend/package.json frontend/
# TypeScript comes from the repository root's devDependencies (--include-workspace-root): without it
# `next build` stops to `npm install typescript` by itself. No install script is needed (sharp and
# SWC are prebuilt optional packages).
RUN --mount=type=cache,target=/root/.npm \
    npm ci --workspace frontend --include-workspace-root --ignore-scripts --no-audit --no-fund
COPY frontend/ frontend/
# `public/` is optional in a Next.js app but the runtime stage copies it unconditionally.
RUN mkdir -p frontend/public && npm run build --workspace frontend

# ---- runtime: the traced standalone server, its static assets and public files, nothing else ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOSTNAME=0.0.0.0 \
    PORT=3000
WORKDIR /app
# In a workspace the standalone tree mirrors the repository: server.js sits in frontend/.
COPY --from=build /app/frontend/.next/standalone ./
COPY --from=build /app/frontend/.next/static ./frontend/.next/static
COPY --from=build /app/frontend/public ./frontend/public
# Next.js writes its ISR/image cache under .next/cache: the only path the app user may write.
RUN mkdir -p frontend/.next/cache && chown node:node frontend/.next/cache
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/',{redirect:'manual',signal:AbortSignal.timeout(2500)}).then(r=>process.exit(r.status<500?0:1),()=>process.exit(1))"]
CMD ["node", "frontend/server.js"]
