/** The HttpSender the remote-backend tests use: real HTTP with fetch (an in-process server, or nock). */
import type { HttpSender } from '../../../core/scheduling/types';

export const send: HttpSender = async (request) => {
	const res = await fetch(request.url, {
		method: request.method,
		headers: request.headers,
		body: request.body === undefined ? undefined : JSON.stringify(request.body),
	});
	const text = await res.text();
	return {
		status: res.status,
		headers: Object.fromEntries(res.headers.entries()),
		body: text ? JSON.parse(text) : undefined,
	};
};
