// Build of the web UI that Tauri loads from ui/dist (frontendDist "../ui/dist").
// Everything is bundled locally: no CDN, no web fonts, no inline scripts or styles
// (the app's CSP is `default-src 'self'; script-src 'self'; style-src 'self'`).
import { defineConfig } from "vite";

export default defineConfig({
  root: ".",
  base: "./",
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK / WKWebView are the oldest engines the app meets.
    target: ["es2021", "safari15"],
    // Never turn assets into data: URIs; the CSP only allows 'self'.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
