/* Patient chat page: WhatsApp calls. A call permission request shows "Allow calls" / "Decline" (POST
 * /_sim/calls/permission, the patient's call_permission_reply); a call button starts a call to the clinic (POST
 * /_sim/calls/start: the clinic gets the connect webhook with an SDP offer); the banner shows the call in progress
 * with Hang up, and the clinic's own calls with Answer / Decline. No audio: the simulator only does signalling.
 * Plain browser JS, no build step; uses window.SimChat (chat.js) and window.SimChatRender (chat-render.js). */
window.SimChatCalls = (function () {
	'use strict';

	var R = window.SimChatRender;
	var el = R.el;

	function post(path, extra) {
		var body = window.SimChat.sender();
		if (!body) return Promise.resolve();
		Object.keys(extra).forEach(function (k) {
			body[k] = extra[k];
		});
		return window.SimChat.api('POST', path, body)
			.then(function (res) {
				window.SimChat.poll();
				refresh();
				return res;
			})
			.catch(function (e) {
				alert('Call action failed: ' + e.message);
			});
	}

	R.hooks.decorate.push(function (m, box) {
		(m.rendered && m.rendered.buttons ? m.rendered.buttons : []).forEach(function (b) {
			if (b.type === 'voice_call') {
				box.appendChild(
					el('button', {
						type: 'button',
						'data-kind': 'voice-call',
						text: '📞 ' + b.text,
						onclick: function () {
							post('/_sim/calls/start', b.payload ? { ctaPayload: b.payload } : {});
						},
					}),
				);
			} else if (b.type === 'call_permission') {
				box.appendChild(
					el('button', {
						type: 'button',
						'data-kind': 'call-permission-accept',
						text: '✅ Allow calls',
						onclick: function () {
							post('/_sim/calls/permission', { response: 'accept', context: m.id });
						},
					}),
				);
				box.appendChild(
					el('button', {
						type: 'button',
						'data-kind': 'call-permission-reject',
						text: '✖ Decline',
						onclick: function () {
							post('/_sim/calls/permission', { response: 'reject', context: m.id });
						},
					}),
				);
			}
		});
	});

	function button(kind, text, onclick) {
		return el('button', { type: 'button', 'data-kind': kind, text: text, onclick: onclick });
	}

	/* The banner of the call in progress (or ringing), if any. */
	function refresh() {
		var banner = document.getElementById('call-banner');
		var p = window.SimChat.patient();
		if (!banner || !p) return;
		window.SimChat.api('GET', '/_sim/calls?user=' + encodeURIComponent(p.key))
			.then(function (res) {
				var live = res.data.filter(function (c) {
					return c.state !== 'ended';
				});
				var call = live[live.length - 1];
				banner.textContent = '';
				banner.hidden = !call;
				if (!call) return;
				var clinicCalls = call.direction === 'BUSINESS_INITIATED';
				var label =
					call.state === 'accepted'
						? 'In a WhatsApp call with the clinic'
						: clinicCalls
							? 'The clinic is calling you…'
							: 'Calling the clinic…';
				banner.appendChild(
					el('span', { 'data-testid': 'call-state', 'data-state': call.state, text: '📞 ' + label }),
				);
				if (clinicCalls && call.state === 'ringing') {
					banner.appendChild(
						button('answer-call', 'Answer', function () {
							window.SimChat.api('POST', '/_sim/calls/answer', { callId: call.id, accept: true }).then(
								refresh,
							);
						}),
					);
					banner.appendChild(
						button('decline-call', 'Decline', function () {
							window.SimChat.api('POST', '/_sim/calls/answer', { callId: call.id, accept: false }).then(
								refresh,
							);
						}),
					);
				}
				banner.appendChild(
					button('hang-up', 'Hang up', function () {
						window.SimChat.api('POST', '/_sim/calls/hangup', { callId: call.id }).then(refresh);
					}),
				);
			})
			.catch(function () {});
	}

	setInterval(refresh, 1000);
	return { refresh: refresh };
})();
