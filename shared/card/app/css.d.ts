/** esbuild bundles imported stylesheets into the card's one CSS file. */
declare module '*.css';
