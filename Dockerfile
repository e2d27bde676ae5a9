# syntax=docker/dockerfile:1

# One image for every role; the command picks it:
#   node apps/api/dist/main.js                      HTTP API (PORT, default 8080)
#   node apps/supervisor/dist/main.js               supervisor (diagnostics on 9464)
#   node apps/worker/dist/main.js --agent <type>    one worker of an agent type
# Run it under an init process (compose `init: true`, `docker run --init`) so that signals
# reach node and exited children are reaped. In containers, set
# TTA_SUPERVISOR_LOCAL_EXECUTOR=false: workers run as their own containers.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Manifests first, so the dependency layer is rebuilt only when one of them changes.
COPY package.json package-lock.json ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/core/package.json packages/core/
COPY packages/test-utils/package.json packages/test-utils/
COPY packages/agent-sdk/package.json packages/agent-sdk/
COPY packages/agents/package.json packages/agents/
COPY packages/client/package.json packages/client/
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
COPY apps/supervisor/package.json apps/supervisor/
COPY bench/package.json bench/
# --ignore-scripts: the root `prepare` script would build before the sources are here.
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json tsconfig.build.json ./
COPY packages packages
COPY apps apps
COPY bench bench
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
# Listeners default to 127.0.0.1, which no one outside a container reaches: in the image the API
# and the diagnostics servers listen on every interface of the container (only published ports
# are reachable). Set TTA_API_ALLOWED_HOSTS to the names clients use (docs/AUTH.md).
ENV TTA_API_HOST=0.0.0.0 TTA_DIAGNOSTICS_HOST=0.0.0.0
WORKDIR /app
# npm ci links the workspaces into node_modules/@tta, so it needs every workspace manifest.
COPY package.json package-lock.json ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/core/package.json packages/core/
COPY packages/test-utils/package.json packages/test-utils/
COPY packages/agent-sdk/package.json packages/agent-sdk/
COPY packages/agents/package.json packages/agents/
COPY packages/client/package.json packages/client/
COPY apps/api/package.json apps/api/
COPY apps/worker/package.json apps/worker/
COPY apps/supervisor/package.json apps/supervisor/
COPY bench/package.json bench/
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund
# Compiled output of the workspaces the processes run; test-utils and bench stay out.
COPY --from=build /app/packages/contracts/dist packages/contracts/dist
COPY --from=build /app/packages/core/dist packages/core/dist
COPY --from=build /app/packages/agent-sdk/dist packages/agent-sdk/dist
COPY --from=build /app/packages/agents/dist packages/agents/dist
COPY --from=build /app/packages/agents/models packages/agents/models
COPY --from=build /app/packages/client/dist packages/client/dist
COPY --from=build /app/apps/api/dist apps/api/dist
COPY --from=build /app/apps/worker/dist apps/worker/dist
COPY --from=build /app/apps/supervisor/dist apps/supervisor/dist
# default.json, <env>.json, workflows and policies; mount over /app/config to change them.
COPY config config
ENV TTA_CONFIG_DIR=/app/config
# Files stay owned by root: the processes read them and write nothing under /app.
USER node
EXPOSE 8080
CMD ["node", "apps/api/dist/main.js"]
