/* Patient chat page: WhatsApp groups. A clinic message carrying a group invite link gets a "Join group" button
 * (POST /_sim/groups/join, as tapping the link on a phone); the sidebar lists the patient's groups; a group opens
 * as its own thread, where everything typed is written in the group (POST /_sim/inbound with groupId).
 * Plain browser JS, no build step; uses window.SimChat (chat.js) and window.SimChatRender (chat-render.js). */
window.SimChatGroups = (function () {
	'use strict';

	var INVITE = /https:\/\/chat\.whatsapp\.com\/[A-Za-z0-9_\/-]+/g;
	var R = window.SimChatRender;
	var el = R.el;

	function join(link) {
		var body = window.SimChat.sender();
		if (!body) return;
		body.inviteLink = link;
		window.SimChat.api('POST', '/_sim/groups/join', body)
			.then(function (res) {
				return load().then(function (groups) {
					if (!res.joined) {
						alert('Join request sent: the clinic has to approve it.');
						return;
					}
					var g = groups.filter(function (x) {
						return x.id === res.groupId;
					})[0];
					window.SimChat.openThread({ id: res.groupId, subject: g ? g.subject : 'Group' });
				});
			})
			.catch(function (e) {
				alert('Could not join: ' + e.message);
			});
	}

	/* "Join group" under each invite link of a clinic message. */
	R.hooks.decorate.push(function (m, box) {
		var r = m.rendered || {};
		var text =
			(r.body || '') +
			' ' +
			(r.buttons || [])
				.map(function (b) {
					return b.url || '';
				})
				.join(' ');
		var links = text.match(INVITE) || [];
		links.forEach(function (link) {
			box.appendChild(
				el('button', {
					type: 'button',
					'data-kind': 'join-group',
					'data-link': link,
					text: '👥 Join group',
					onclick: function () {
						join(link);
					},
				}),
			);
		});
	});

	function item(label, sub, active, onclick, testid) {
		return el('li', { className: active ? 'active' : '', onclick: onclick, 'data-testid': testid }, [
			el('span', { text: label }),
			el('small', { text: sub }),
		]);
	}

	/* Lists the patient's groups in the sidebar; resolves with them. */
	function load() {
		var p = window.SimChat.patient();
		var ul = document.getElementById('groups');
		if (!p || !ul) return Promise.resolve([]);
		return window.SimChat.api('GET', '/_sim/groups?member=' + encodeURIComponent(p.key))
			.then(function (res) {
				var open = window.SimChat.group();
				ul.textContent = '';
				ul.appendChild(
					item(
						'Chat with the clinic',
						'one to one',
						!open,
						function () {
							window.SimChat.openThread(null);
							load();
						},
						'direct-chat',
					),
				);
				res.data.forEach(function (g) {
					var sub = g.member ? g.participants.length + ' participant(s)' : 'join request pending';
					ul.appendChild(
						item(
							g.subject,
							sub,
							open && open.id === g.id,
							function () {
								if (!g.member) return;
								window.SimChat.openThread({ id: g.id, subject: g.subject });
								load();
							},
							'group-chat',
						),
					);
				});
				return res.data;
			})
			.catch(function () {
				return [];
			});
	}

	setInterval(load, 2500);
	return { load: load, join: join };
})();
