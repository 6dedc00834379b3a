# STAND-IN for the official redis:7-bookworm, for a machine that can reach no container registry
# (scripts/docker-base-images.sh builds it; never pushed anywhere): Debian bookworm's own
# redis-server (7.0) on the debootstrap minbase root file system. Like the official image it keeps
# its data in /data; docker-compose.yml gives the command line explicitly, so the official image's
# entrypoint script is not needed.
ARG MINBASE
FROM ${MINBASE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server redis-tools \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data
WORKDIR /data
EXPOSE 6379
CMD ["redis-server", "--protected-mode", "no"]
