/* Patient chat page for the WhatsApp Cloud API simulator. Plain browser JS, no build step.
 * Polls GET /_sim/conversation and posts patient messages to POST /_sim/inbound. */
(function () {
	'use strict';

	var BSUID = /^[A-Z]{2}\.[A-Za-z0-9]+$/;
	var patient = null; // { key, name }
	var group = null; // the open group chat { id, subject }, or null for the chat with the clinic
	var lastJson = '';
	var messagesById = {};
	var openList = null; // { message, selected }

	var R = window.SimChatRender;
	var el = R.el;
	R.hooks.send = function (fields) {
		return sendInbound(fields);
	};
	R.hooks.showList = function (m) {
		showList(m);
	};
	R.hooks.lookup = function (id) {
		return messagesById[id];
	};

	function $(id) {
		return document.getElementById(id);
	}

	function api(method, path, body) {
		return fetch(path, {
			method: method,
			headers: body ? { 'Content-Type': 'application/json' } : {},
			body: body ? JSON.stringify(body) : undefined,
		}).then(function (r) {
			return r.json().then(function (j) {
				if (!r.ok)
					throw new Error((j.error && j.error.error_data && j.error.error_data.details) || r.statusText);
				return j;
			});
		});
	}

	/* Who the page plays, as the control routes take it: { name, from } or { name, userId }. */
	function sender() {
		if (!patient) return null;
		var body = { name: patient.name || 'Patient' };
		if (BSUID.test(patient.key)) body.userId = patient.key;
		else body.from = patient.key;
		return body;
	}

	function sendInbound(fields) {
		var body = sender();
		if (group) body.groupId = group.id;
		Object.keys(fields).forEach(function (k) {
			body[k] = fields[k];
		});
		return api('POST', '/_sim/inbound', body)
			.then(poll)
			.catch(function (e) {
				alert('Could not send: ' + e.message);
			});
	}

	function showList(m) {
		var list = m.rendered.list;
		openList = { message: m, selected: null };
		$('list-title').textContent = list.button;
		var rows = $('list-rows');
		rows.textContent = '';
		list.sections.forEach(function (s) {
			if (s.title) rows.appendChild(el('div', { className: 'section-title', text: s.title }));
			s.rows.forEach(function (row) {
				var radio = el('input', { type: 'radio', name: 'list-row', value: row.id });
				rows.appendChild(
					el('label', { className: 'list-row', 'data-row-id': row.id }, [
						el('div', {}, [
							el('div', { text: row.title }),
							row.description ? el('small', { text: row.description }) : null,
						]),
						radio,
					]),
				);
				radio.addEventListener('change', function () {
					openList.selected = row;
					$('list-send').disabled = false;
				});
			});
		});
		$('list-send').disabled = true;
		$('list-sheet').hidden = false;
	}

	function render(items) {
		var thread = $('thread');
		var atBottom = thread.scrollHeight - thread.scrollTop - thread.clientHeight < 40;
		thread.textContent = '';
		messagesById = {};
		var reactions = {};
		items.forEach(function (m) {
			messagesById[m.id] = m;
			if (m.direction === 'in' && m.message.type === 'reaction')
				reactions[m.message.reaction.message_id] = m.message.reaction.emoji;
			if (m.direction === 'out' && m.rendered && m.rendered.reaction)
				reactions[m.rendered.reaction.messageId] = m.rendered.reaction.emoji;
		});
		if (!items.length)
			thread.appendChild(
				el('div', {
					className: 'day-note',
					text: "No messages yet. The clinic's messages to this number will appear here.",
				}),
			);
		items.forEach(function (m) {
			var isReaction =
				(m.direction === 'in' && m.message.type === 'reaction') ||
				(m.direction === 'out' && m.rendered && m.rendered.reaction);
			if (isReaction) return;
			var mine = m.direction === 'in' && (!m.author || m.author === patient.key);
			var node = m.direction === 'out' ? R.clinicBubble(m) : mine ? R.patientBubble(m) : R.memberBubble(m);
			if (reactions[m.id])
				node
					.querySelector('.bubble')
					.appendChild(el('span', { className: 'reaction', text: reactions[m.id] }));
			thread.appendChild(node);
		});
		if (atBottom || !lastJson) thread.scrollTop = thread.scrollHeight;
	}

	function poll() {
		if (!patient) return Promise.resolve();
		var path = group
			? '/_sim/groups/conversation?group=' + encodeURIComponent(group.id)
			: '/_sim/conversation?user=' + encodeURIComponent(patient.key);
		return api('GET', path)
			.then(function (res) {
				var json = JSON.stringify(res.data);
				if (json !== lastJson) {
					render(res.data);
					lastJson = json;
				}
				markSeen(res.data);
			})
			.catch(function () {});
	}

	/* The patient has the chat open: messages delivered but not yet read become read (matters with --no-auto-read). */
	function markSeen(items) {
		if (document.hidden) return;
		items.forEach(function (m) {
			if (m.direction === 'out' && m.status === 'delivered') {
				api('POST', '/_sim/read', { messageId: m.id }).catch(function () {});
			}
		});
	}

	function loadPatients() {
		return api('GET', '/_sim/users')
			.then(function (res) {
				var ul = $('patients');
				ul.textContent = '';
				res.data.forEach(function (u) {
					var key = u.waId || u.userId;
					var li = el(
						'li',
						{
							className: patient && patient.key === key ? 'active' : '',
							onclick: function () {
								openChat(key, u.name || '');
							},
						},
						[
							el('span', { text: u.name || key }),
							el('small', {
								text:
									(u.waId ? '+' + u.waId : u.username || u.userId) + (u.windowOpen ? ' · window open' : ''),
							}),
						],
					);
					ul.appendChild(li);
				});
			})
			.catch(function () {});
	}

	function loadClinic() {
		return api('GET', '/_sim/health')
			.then(function (h) {
				return api('GET', '/_sim/config').then(function (c) {
					var phone = c.phoneNumbers.filter(function (p) {
						return p.id === h.phoneNumberId;
					})[0];
					if (!phone) return;
					$('clinic-name').textContent = phone.verifiedName + ' · ' + phone.displayPhoneNumber;
					$('avatar').textContent = phone.verifiedName
						.split(/\s+/)
						.map(function (w) {
							return w[0];
						})
						.join('')
						.slice(0, 2)
						.toUpperCase();
				});
			})
			.catch(function () {});
	}

	/* Shows the chat with the clinic (target null) or a group chat ({ id, subject }). */
	function openThread(target) {
		group = target;
		lastJson = '';
		$('chat-sub').textContent = group
			? 'Group · ' + group.subject
			: 'You are ' +
				(patient.name || 'the patient') +
				' (' +
				(BSUID.test(patient.key) ? patient.key : '+' + patient.key) +
				')';
		poll();
	}

	function openChat(key, name) {
		key = key.trim();
		group = null;
		if (!BSUID.test(key)) key = key.replace(/[\s\-().+]/g, '');
		patient = { key: key, name: name };
		lastJson = '';
		$('patient-phone').value = key;
		$('patient-name').value = name;
		$('chat').hidden = false;
		$('chat-sub').textContent =
			'You are ' + (name || 'the patient') + ' (' + (BSUID.test(key) ? key : '+' + key) + ')';
		var url = new URL(location.href);
		url.searchParams.set(BSUID.test(key) ? 'user' : 'phone', key);
		url.searchParams.delete(BSUID.test(key) ? 'phone' : 'user');
		if (name) url.searchParams.set('name', name);
		history.replaceState(null, '', url.toString());
		poll();
		loadPatients();
		if (window.SimChatGroups) window.SimChatGroups.load();
	}

	$('patient-form').addEventListener('submit', function (e) {
		e.preventDefault();
		openChat($('patient-phone').value, $('patient-name').value);
	});
	$('composer').addEventListener('submit', function (e) {
		e.preventDefault();
		var text = $('composer-text').value;
		if (!text.trim() || !patient) return;
		$('composer-text').value = '';
		sendInbound({ type: 'text', text: text });
	});
	$('send-location').addEventListener('click', function () {
		if (patient)
			sendInbound({ type: 'location', latitude: -23.5614, longitude: -46.6559, locationName: 'My location' });
	});
	$('file-input').addEventListener('change', function (e) {
		var file = e.target.files[0];
		if (!file || !patient) return;
		var reader = new FileReader();
		reader.onload = function () {
			var base64 = String(reader.result).split(',')[1] || '';
			var type = file.type.indexOf('image/') === 0 ? 'image' : 'document';
			sendInbound({
				type: type,
				content: base64,
				mimeType: file.type || 'application/octet-stream',
				filename: file.name,
			});
			e.target.value = '';
		};
		reader.readAsDataURL(file);
	});
	$('list-cancel').addEventListener('click', function () {
		$('list-sheet').hidden = true;
		openList = null;
	});
	$('list-send').addEventListener('click', function () {
		if (!openList || !openList.selected) return;
		var row = openList.selected;
		var ctx = openList.message.id;
		$('list-sheet').hidden = true;
		openList = null;
		var fields = { type: 'list_reply', id: row.id, title: row.title, context: ctx };
		if (row.description) fields.description = row.description;
		sendInbound(fields);
	});

	/* What chat-groups.js and chat-calls.js use. */
	window.SimChat = {
		api: api,
		poll: poll,
		openThread: openThread,
		send: sendInbound,
		sender: sender,
		patient: function () {
			return patient;
		},
		group: function () {
			return group;
		},
	};

	var params = new URLSearchParams(location.search);
	loadClinic();
	loadPatients();
	if (params.get('phone') || params.get('user'))
		openChat(params.get('phone') || params.get('user'), params.get('name') || '');
	setInterval(poll, 700);
	setInterval(loadPatients, 4000);
})();
