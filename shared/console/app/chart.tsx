import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface Series {
  label: string;
  values: (number | null)[];
}

/**
 * A uPlot line chart over time (x: seconds since the epoch). uPlot draws on a canvas, so the
 * same numbers are also in a table under the chart for screen readers and keyboard users.
 */
export function TimeChart(props: {
  title: string;
  times: number[];
  series: Series[];
  format: (value: number | null) => string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const points = props.series.reduce((n, s) => n + s.values.filter((v) => v !== null).length, 0);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const colours = ['#1f5fbf', '#b3400b', '#2e7d32', '#6a1b9a'];
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 280),
      height: 220,
      series: [
        {},
        ...props.series.map((s, i) => ({
          label: s.label,
          stroke: colours[i % colours.length] ?? '#1f5fbf',
          width: 2,
          points: { show: true, size: 5 },
          value: (_u: uPlot, v: number | null) => props.format(v),
        })),
      ],
      axes: [{}, { values: (_u: uPlot, values: number[]) => values.map((v) => props.format(v)), size: 80 }],
      scales: { x: { time: true } },
    };
    const plot = new uPlot(options, [props.times, ...props.series.map((s) => s.values)], element);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(element.clientWidth, 280), height: 220 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.times, props.series, props.format]);
  return (
    <figure class="chart" data-points={points} aria-label={props.title}>
      <figcaption>{props.title}</figcaption>
      <div ref={container} class="chart-canvas" aria-hidden="true" />
      <details>
        <summary>Data as a table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Computed</th>
              {props.series.map((s) => (
                <th scope="col" key={s.label}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.times.map((t, row) => (
              <tr key={t}>
                <th scope="row">{new Date(t * 1000).toLocaleString()}</th>
                {props.series.map((s) => (
                  <td key={s.label}>{props.format(s.values[row] ?? null)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
