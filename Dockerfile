# syntax=docker/dockerfile:1
# The programme progress hub: the API binary and the built site in one small
# image. Three stages, each running the README's own build steps:
#   site  - `npm --prefix web ci` + `npm --prefix web run build` (web/build)
#   api   - `cargo build --release --locked -p api`
#   final - Debian slim with the binary, the site and nothing else, as a
#           non-root user; the API serves the site from WEB_DIR.
# Build:  docker build --build-arg GIT_COMMIT=$(git rev-parse --short HEAD) -t progress-hub .
# Run:    see deploy/compose.yaml and the README's "Deploy" section.

FROM node:20-bookworm-slim AS site
WORKDIR /src
# Dependencies first, so a change of the site's sources reuses this layer.
COPY web/package.json web/package-lock.json web/
RUN npm --prefix web ci --no-audit --no-fund
COPY api/schema.graphql api/schema.graphql
COPY web web
# Where browsers reach the API; empty means the site's own origin (the API
# serves the site, so that is the usual choice).
ARG PUBLIC_API_URL=
ARG PUBLIC_SITE_URL=
ENV PUBLIC_API_URL=${PUBLIC_API_URL} PUBLIC_SITE_URL=${PUBLIC_SITE_URL}
RUN npm --prefix web run build

FROM rust:1.95-slim-bookworm AS api
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY api api
COPY entities entities
COPY migration migration
COPY tests tests
# Shown by `api --version`, GET /health and the build_info metric.
ARG GIT_COMMIT=
ENV GIT_COMMIT=${GIT_COMMIT}
RUN cargo build --release --locked -p api

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/progress-hub --create-home hub
COPY --from=api /src/target/release/api /usr/local/bin/api
COPY --from=site /src/web/build /usr/share/progress-hub/web
COPY LICENSE-MIT LICENSE-APACHE THIRD-PARTY-NOTICES.md /usr/share/doc/progress-hub/
ENV API_BIND=0.0.0.0:8080 \
    WEB_DIR=/usr/share/progress-hub/web \
    API_PERSISTED_QUERIES_FILE=/usr/share/progress-hub/web/persisted-queries.json \
    LOG_FORMAT=json
USER hub
WORKDIR /var/lib/progress-hub
EXPOSE 8080
ENTRYPOINT ["api"]
CMD ["serve"]
