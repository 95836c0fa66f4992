import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The Tauri shell embeds `dist/` (tauri.conf.json `frontendDist`), so a plain
// `cargo build -p gcforms-app` needs no dev server.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: {
    // WebKitGTK on Debian 12 (Safari 16-level features); no inline scripts
    // so the CSP can forbid them.
    target: "safari16",
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
