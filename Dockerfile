# luckyfive's container image: a build stage with the C++ toolchain better-sqlite3 compiles with,
# and a slim runtime stage on the same Node 24 base, running as an unprivileged user.
#
#   docker build --network host -t luckyfive:0.1.0 --build-arg VERSION=0.1.0 .
#   docker run --init -p 127.0.0.1:8080:8080 -v luckyfive-data:/data luckyfive:0.1.0
#
# --network host lets `npm ci` reach the registry from a machine whose only way out is the host's
# own (no bridge is needed); nothing secret is passed to the build. The base image is an argument
# (the official node:24-bookworm-slim by default) so a mirror or a pinned digest can be given.
ARG BASE_IMAGE=node:24-bookworm-slim

FROM ${BASE_IMAGE} AS build
# python3, make and g++ for node-gyp; tini to be copied into the runtime stage (the slim image has
# no init). The addon is compiled against the image's own Node headers (/usr/local/include/node),
# so node-gyp downloads nothing; better-sqlite3's prebuilt download is tried first and may fail.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ tini \
 && rm -rf /var/lib/apt/lists/*
ENV npm_config_nodedir=/usr/local \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false \
    JOBS=max
WORKDIR /app
# Dependencies first, so a source change does not reinstall them. --ignore-scripts: `prepare`
# would build before the sources are here; the one install script the app needs (the addon) is
# run by `npm rebuild`.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# Of the addon's build, only the module itself is needed at run time (not its objects, SQLite's
# sources or the test extension: about 25 MB); the check below proves it still loads.
RUN npm run build && npm prune --omit=dev --ignore-scripts \
 && cd node_modules/better-sqlite3 \
 && rm -rf deps src build/Release/obj build/Release/obj.target build/Release/.deps build/Release/test_extension.node \
 && cd /app \
 && node -e "new (require('better-sqlite3'))(':memory:').close()"

FROM ${BASE_IMAGE} AS runtime
# A fixed uid/gid (10001, outside the range of the base image's own users) so a bind-mounted data
# dir can be given to it with `chown 10001:10001`.
RUN groupadd --system --gid 10001 luckyfive \
 && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin luckyfive \
 && mkdir -p /data \
 && chown 10001:10001 /data \
 && chmod 0700 /data
COPY --from=build /usr/bin/tini-static /usr/bin/tini
WORKDIR /app
# The code belongs to root and is read-only for the app; only /data (and /tmp, for a worker's
# throwaway run files) is written, so the root file system can be mounted read-only.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY recipes ./recipes
COPY data/sample ./data/sample
COPY data/fonts ./data/fonts
ENV NODE_ENV=production \
    LUCKYFIVE_DATA_DIR=/data \
    LUCKYFIVE_HOST=0.0.0.0 \
    LUCKYFIVE_PORT=8080
VOLUME ["/data"]
USER 10001:10001
EXPOSE 8080
# No curl or wget in the slim image: Node's own fetch. A worker container has no HTTP port: its
# compose service disables this check.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.LUCKYFIVE_PORT || 8080) + '/api/v1/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# tini is PID 1: it forwards SIGTERM to luckyfive (which drains: requests in flight finish, jobs stop
# at a contest boundary, a worker finishes its runs) and reaps zombies.
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/luckyfive.js"]
CMD ["serve"]
# Last, so a new version or revision rebuilds only this layer.
ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="luckyfive" \
      org.opencontainers.image.description="Backtest Quina number-picking strategies against the exact odds, keep the books, serve it over HTTP" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="MIT"
