// Tailwind 4 is configured in CSS (app/globals.css); this file is loaded from there with
// `@config` and only says where classes live, so editors and tools find one config.
import type { Config } from "tailwindcss";

export default {
  content: ["./app/**/*.{ts,tsx}", "./components/**/*.{ts,tsx}", "./lib/**/*.{ts,tsx}"],
  darkMode: "media",
} satisfies Config;
