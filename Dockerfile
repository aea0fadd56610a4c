# calaim-fhir image: compile TypeScript in a build stage, ship dist/ with production dependencies only, run as a non-root user.
# docker build -t calaim-fhir .   |   docker run -p 8080:8080 -e DATABASE_URL=postgres://... calaim-fhir

FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build \
  # content directories may be absent from a checkout (git keeps no empty folders); the final stage copies them either way
  && mkdir -p profiles valueSets bundles

FROM node:22-slim AS production-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:22-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/app/data
WORKDIR /app
# Code and content stay root-owned (read-only to the server); only the embedded database directory is writable.
COPY --from=production-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# package.json is read at run time (the version in the CapabilityStatement, via dist/fhir/routes.js -> ../../package.json).
COPY --from=build /app/package.json ./package.json
# Conformance content is read from the project root (dist/content/files.js -> ../../).
COPY --from=build /app/profiles ./profiles
COPY --from=build /app/valueSets ./valueSets
COPY --from=build /app/bundles ./bundles
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8080
# Ready means the database answers; start-up (definitions, migrations) can take a while on a small machine.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 and handles SIGTERM itself (graceful shutdown in src/main.ts).
CMD ["node", "dist/main.js"]
