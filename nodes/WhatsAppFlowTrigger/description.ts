import type { INodeProperties } from 'n8n-workflow';

export const properties: INodeProperties[] = [
	{
		displayName:
			'This is the data endpoint of a WhatsApp Flow: put this node’s Production URL into the Flow’s Endpoint URI (WhatsApp Flow → Flow → Create or Update, or Meta’s Flow Builder), and end every path of the workflow with WhatsApp Flow → Respond. Meta’s health checks and client error notifications are answered here without starting the workflow.',
		name: 'endpointNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Flow Token Check',
		name: 'tokenPolicy',
		type: 'options',
		noDataExpression: true,
		default: 'signed',
		options: [
			{
				name: 'Only Tokens Sent by This Package (Recommended)',
				value: 'signed',
				description:
					'Accept only flow tokens issued by WhatsApp Send Message / Send Template (signed with the App Secret) and not expired; others get Meta’s 427 and the patient sees the message below',
			},
			{
				name: 'Any Token',
				value: 'any',
				description:
					'Accept every flow token (for Flows sent from other tools); check the token in the workflow yourself',
			},
		],
		description: 'Which flow tokens may use this endpoint',
	},
	{
		displayName: 'Expired Token Message',
		name: 'expiredMessage',
		type: 'string',
		default: '',
		placeholder: 'Este formulário expirou. Envie "oi" para receber um novo.',
		description:
			'What the patient reads when the Flow can no longer be used (427). Empty = the built-in text in the token’s language (Portuguese, Spanish or English).',
		displayOptions: { show: { tokenPolicy: ['signed'] } },
	},
];
