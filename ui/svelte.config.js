import { vitePreprocess } from "@sveltejs/vite-plugin-svelte";

export default {
  preprocess: vitePreprocess(),
  compilerOptions: {
    // Styles are emitted into the CSS file, never injected at run time, so
    // the CSP needs no 'unsafe-inline' for styles either.
    css: "external",
  },
};
