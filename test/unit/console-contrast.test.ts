import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** WCAG 2 contrast of the console's colours (its CSS custom properties), as the stylesheet promises. */
const css = readFileSync(join(import.meta.dirname, '../../shared/console/app/console.css'), 'utf8');
const colour = (name: string): string => {
  const value = new RegExp(`--${name}:\\s*(#[0-9a-f]{6})`, 'i').exec(css)?.[1];
  if (!value) throw new Error(`--${name} is not a #rrggbb colour of console.css`);
  return value;
};

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((at) => {
    const c = parseInt(hex.slice(at, at + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

describe('the console’s colours', () => {
  it('computes contrast as WCAG does', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });

  it.each(['text', 'muted', 'accent', 'danger', 'ok'])(
    '--%s text reads at 4.5:1 or more on white and on the surface',
    (name) => {
      expect(contrast(colour(name), '#ffffff')).toBeGreaterThanOrEqual(4.5);
      expect(contrast(colour(name), colour('surface'))).toBeGreaterThanOrEqual(4.5);
    },
  );

  it('button text on the accent reads at 4.5:1 or more', () => {
    expect(contrast(colour('accent-text'), colour('accent'))).toBeGreaterThanOrEqual(4.5);
    expect(contrast(colour('text'), colour('warn-bg'))).toBeGreaterThanOrEqual(4.5);
  });
});
