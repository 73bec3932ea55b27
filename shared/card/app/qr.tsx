import { encode } from 'uqr';

/** Modules of white around the code: scanners need a quiet zone (ISO/IEC 18004 asks for 4). */
const QUIET_ZONE = 4;

/**
 * A QR code as an SVG path (one square per dark module): crisp at any size, no canvas, no image
 * URL, nothing the Content-Security-Policy has to allow. `label` says what it holds, for screen readers.
 */
export function QrCode({ text, label, size = 220 }: { text: string; label: string; size?: number }) {
  const { data } = encode(text, { ecc: 'M', border: 0 });
  const modules = data.length + 2 * QUIET_ZONE;
  let path = '';
  data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) path += `M${x + QUIET_ZONE} ${y + QUIET_ZONE}h1v1h-1z`;
    }),
  );
  return (
    <svg
      class="qr"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${modules} ${modules}`}
      width={size}
      height={size}
      shape-rendering="crispEdges"
    >
      <rect width={modules} height={modules} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
