# STAND-IN for the official caddy:2, for a machine that can reach no container registry
# (scripts/docker-base-images.sh builds it; never pushed anywhere): Debian bookworm's own caddy
# package (2.6) on the debootstrap minbase root file system, with the official image's config path
# (/etc/caddy/Caddyfile) and data dir (/data, XDG_DATA_HOME) so docker-compose.prod.yml runs either.
ARG MINBASE
FROM ${MINBASE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends caddy \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /config /data
ENV XDG_CONFIG_HOME=/config \
    XDG_DATA_HOME=/data
EXPOSE 80 443
CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]
