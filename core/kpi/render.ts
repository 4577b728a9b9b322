/**
 * Draws Vega-Lite specifications as SVG text in Node: vega-lite compiles them to Vega, vega's headless View
 * (renderer `none`, no canvas, no browser) renders the scene graph to SVG. Both libraries are loaded on first use,
 * so n8n does not pay for them until a report is drawn.
 */
import type { TopLevelSpec } from 'vega-lite';

import { ClinicError } from '../errors';

type Vega = typeof import('vega');
type VegaLite = typeof import('vega-lite');

let libraries: Promise<{ vega: Vega; vegaLite: VegaLite }> | undefined;

/** Why the charting libraries are missing, in the words of the node's Include Charts field. */
function unavailable(cause: unknown): ClinicError {
	return new ClinicError('The charting libraries (vega, vega-lite) could not be loaded', {
		code: 'charts_unavailable',
		kind: 'config',
		field: 'Include Charts',
		hint: 'Reinstall the community package (Settings → Community Nodes) so its dependencies are installed, or turn Include Charts off.',
		cause,
	});
}

async function load(): Promise<{ vega: Vega; vegaLite: VegaLite }> {
	libraries ??= Promise.all([import('vega'), import('vega-lite')]).then(
		([vega, vegaLite]) => ({ vega, vegaLite }),
		(error: unknown) => {
			libraries = undefined;
			return Promise.reject(unavailable(error));
		},
	);
	return await libraries;
}

/** The chart as a standalone `<svg>` element. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
	const { vega, vegaLite } = await load();
	const compiled = vegaLite.compile(spec).spec;
	const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
	try {
		return await view.toSVG();
	} finally {
		view.finalize();
	}
}
