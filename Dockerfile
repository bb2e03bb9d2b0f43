# Pasokh hub: HTTP API, sockets, workers and the built agent console in one image.
# Build: docker build -t pasokh .      Run: see docker-compose.yml (needs Postgres and Redis).

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Developers and CI use npm 11 (the lockfile and the package.json "allowScripts" gate come from it): same major here.
RUN npm install -g npm@11 && npm --version
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
# tsc → dist/ (entry dist/src/main.js), vite → agent-ui/dist/; then drop dev dependencies.
RUN npm run build \
 && npm prune --omit=dev \
 && npm cache clean --force \
 && rm -rf node_modules/.cache node_modules/.vite

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0
WORKDIR /app
# package.json marks the project root (migrations/ and agent-ui/dist/ are found beside it).
COPY --from=build /app /app
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Not `npm start`: that script rebuilds first, and the image has no dev dependencies.
CMD ["node", "dist/src/main.js"]
