# One image for every Radflow process; the command picks the process.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
# radflow (all-in-one) by default; mllp-gateway, dimse-gateway, api, worker, cli for a split deployment
CMD ["node", "dist/apps/radflow/src/main.js"]
