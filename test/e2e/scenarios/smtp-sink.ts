/**
 * A tiny SMTP server on 127.0.0.1 for the e2e: it accepts every message (no TLS, no authentication) and keeps it,
 * so a workflow's n8n Send Email node can be pointed at it and the scenario can read what was sent.
 */
import { type AddressInfo, type Socket, createServer } from 'node:net';

export interface SunkMail {
	from: string;
	to: string[];
	/** The message as sent (headers and MIME body), CRLF line ends, dot-stuffing undone. */
	data: string;
}

export interface SmtpSink {
	port: number;
	messages: SunkMail[];
	close(): Promise<void>;
}

function session(socket: Socket, keep: (mail: SunkMail) => void): void {
	let buffer = '';
	let mail: SunkMail | null = null;
	let inData = false;
	const reply = (line: string) => socket.write(`${line}\r\n`);
	reply('220 e2e-smtp-sink ready');
	socket.on('data', (chunk) => {
		buffer += chunk.toString('utf8');
		for (;;) {
			if (inData) {
				const end = buffer.indexOf('\r\n.\r\n');
				if (end < 0) return;
				const body = buffer.slice(0, end).replace(/\r\n\.\./g, '\r\n.');
				buffer = buffer.slice(end + 5);
				inData = false;
				if (mail) keep({ ...mail, data: body });
				mail = null;
				reply('250 2.0.0 queued');
				continue;
			}
			const eol = buffer.indexOf('\r\n');
			if (eol < 0) return;
			const line = buffer.slice(0, eol);
			buffer = buffer.slice(eol + 2);
			const verb = line.slice(0, 4).toUpperCase();
			if (verb === 'EHLO') reply('250-e2e-smtp-sink\r\n250-8BITMIME\r\n250 SMTPUTF8');
			else if (verb === 'HELO') reply('250 e2e-smtp-sink');
			else if (verb === 'MAIL') {
				mail = { from: /<([^>]*)>/.exec(line)?.[1] ?? '', to: [], data: '' };
				reply('250 2.1.0 ok');
			} else if (verb === 'RCPT') {
				mail?.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
				reply('250 2.1.5 ok');
			} else if (verb === 'DATA') {
				inData = true;
				reply('354 end with <CRLF>.<CRLF>');
			} else if (verb === 'QUIT') {
				reply('221 2.0.0 bye');
				socket.end();
				return;
			} else if (verb === 'RSET') {
				mail = null;
				reply('250 2.0.0 ok');
			} else reply('250 ok');
		}
	});
	socket.on('error', () => undefined);
}

export async function startSmtpSink(): Promise<SmtpSink> {
	const messages: SunkMail[] = [];
	const sockets = new Set<Socket>();
	const server = createServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		session(socket, (mail) => messages.push(mail));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		port: (server.address() as AddressInfo).port,
		messages,
		close: async () => {
			for (const s of sockets) s.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
