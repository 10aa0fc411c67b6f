# The hub as one image: API and worker (HUB_ROLES decides which a container runs).
# Not built on the development machines (no Docker engine there); see README "Scaling and deployment".
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src src
COPY adapters adapters
COPY config config
COPY migrations migrations
COPY bench bench
COPY demo demo
COPY test/servers test/servers
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
# Headless Chromium and a Chinese font print the reports to PDF.
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-wqy-zenhei ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production HUB_CHROMIUM_PATH=/usr/bin/chromium PORT=3000
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/config config
COPY package.json ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/main.js"]
