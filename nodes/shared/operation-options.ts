/** The "Options" collection of one or more operations: optional settings, shown for those operations only. */
import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

export function operationOptions(show: IDisplayOptions['show'], options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options,
	};
}
