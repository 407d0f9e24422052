# syntax=docker/dockerfile:1.7
# check=error=true

ARG NODE_VERSION=20.11.1
ARG BASE_IMAGE=node:${NODE_VERSION}-bookworm-slim
ARG DISTROLESS=gcr.io/distroless/nodejs20-debian12@sha256:8f3bd1c7b3c8a9b5e1d1f9e7a0a7d6e5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9

FROM --platform=$BUILDPLATFORM ${BASE_IMAGE} AS deps
WORKDIR /app
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    apt-get update \
 && apt-get install -y --no-install-recommends \
      # build tools for native modules
      python3=3.11.2-1+b1 \
      make \
      g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev

FROM deps AS build
COPY --link . .
RUN <<EOF
set -eux
npm ci
npm run build
npm prune --omit=dev
EOF
COPY <<-'CONF' /app/.npmrc
	fund=false
	audit=false
	CONF

FROM ${DISTROLESS} AS runtime
ENV NODE_ENV=production \
    PORT=8080
WORKDIR /app
COPY --from=build --chown=65532:65532 /app/dist ./dist
COPY --from=deps /app/node_modules ./node_modules
USER 65532:65532
EXPOSE 8080/tcp
HEALTHCHECK --interval=30s --timeout=3s CMD ["/nodejs/bin/node", "dist/healthcheck.js"]
ENTRYPOINT ["/nodejs/bin/node"]
CMD ["dist/server.js"]
