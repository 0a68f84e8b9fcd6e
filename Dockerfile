# The berth image: the source, the launcher's Deno (DENO_VERSION in ./berth) and every npm package
# cached in DENO_DIR, so a container starts without fetching anything. `./berth` finds the image's
# deno on PATH. cli/compose_test.ts checks that the versions agree and the base is pinned.
FROM denoland/deno:debian-2.9.6@sha256:2014dc167ece617ef7e7ba40631ac2234c59e75ce693e7cc2dc2602b3c87859d
ENV DENO_NO_UPDATE_CHECK=1
WORKDIR /app
RUN chown deno:deno /app
# The base's unprivileged user; it owns DENO_DIR (/deno-dir) and, below, .data (logs, run files).
USER deno
# Dependencies first: this layer is built again only when deno.json or deno.lock change.
COPY --chown=deno:deno deno.json deno.lock ./
RUN deno install --frozen
COPY --chown=deno:deno . .
# Where `up` keeps the event signing keys: compose mounts a volume here, which takes this
# folder's owner (deno) and mode when it is first created.
RUN mkdir -m 700 -p .data/keys
EXPOSE 8080
CMD ["./berth", "up"]
