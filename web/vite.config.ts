import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The bundle is committed inside the Python package, so the build must be reproducible:
// no source maps, no timestamps, content-hashed file names only.
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    outDir: "../src/graphmill/web/static",
    emptyOutDir: true,
    sourcemap: false,
    target: "es2022",
    chunkSizeWarningLimit: 1200,
  },
  server: { proxy: { "/api-open": "http://127.0.0.1:7002", "/healthz": "http://127.0.0.1:7002", "/metrics": "http://127.0.0.1:7002" } },
});
