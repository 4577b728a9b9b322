/* Patient chat page for the WhatsApp Cloud API simulator. Plain browser JS, no build step.
 * Polls GET /_sim/conversation and posts patient messages to POST /_sim/inbound. */
(function () {
	'use strict';

	var BSUID = /^[A-Z]{2}\.[A-Za-z0-9]+$/;
	var patient = null; // { key, name }
	var lastJson = '';
	var messagesById = {};
	var openList = null; // { message, selected }

	function $(id) {
		return document.getElementById(id);
	}

	function el(tag, attrs, children) {
		var node = document.createElement(tag);
		attrs = attrs || {};
		Object.keys(attrs).forEach(function (k) {
			if (k === 'text') node.textContent = attrs[k];
			else if (k === 'className') node.className = attrs[k];
			else if (k.indexOf('on') === 0) node.addEventListener(k.slice(2), attrs[k]);
			else if (attrs[k] !== undefined && attrs[k] !== null) node.setAttribute(k, attrs[k]);
		});
		(children || []).forEach(function (c) {
			if (c) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
		});
		return node;
	}

	/* WhatsApp markup: *bold*, _italic_, ~strike~ (text only; never HTML). */
	function formatted(text) {
		var frag = document.createDocumentFragment();
		var re = /(\*[^*\n]+\*|_[^_\n]+_|~[^~\n]+~)/g;
		var last = 0;
		var m;
		while ((m = re.exec(text))) {
			if (m.index > last) frag.appendChild(document.createTextNode(text.slice(last, m.index)));
			var tag = m[0][0] === '*' ? 'strong' : m[0][0] === '_' ? 'em' : 's';
			frag.appendChild(el(tag, { text: m[0].slice(1, -1) }));
			last = m.index + m[0].length;
		}
		if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
		return frag;
	}

	function timeOf(iso) {
		var d = new Date(iso);
		return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
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

	function sendInbound(fields) {
		var body = { name: patient.name || 'Patient' };
		if (BSUID.test(patient.key)) body.userId = patient.key;
		else body.from = patient.key;
		Object.keys(fields).forEach(function (k) {
			body[k] = fields[k];
		});
		return api('POST', '/_sim/inbound', body)
			.then(poll)
			.catch(function (e) {
				alert('Could not send: ' + e.message);
			});
	}

	function extOf(filename) {
		var m = /\.([A-Za-z0-9]{1,5})$/.exec(filename || '');
		return m ? m[1].toUpperCase() : 'DOC';
	}

	function docLink(url, filename) {
		return el(
			'a',
			{ className: 'doc', href: url, target: '_blank', download: filename || '', rel: 'noopener' },
			[
				el('span', { className: 'badge', text: extOf(filename) }),
				el('span', { text: filename || 'Document' }),
			],
		);
	}

	function mediaNode(kind, url, filename) {
		if (kind === 'image' || kind === 'sticker') return el('img', { className: 'media', src: url, alt: kind });
		if (kind === 'document') return docLink(url, filename);
		if (kind === 'video')
			return el('a', { className: 'doc', href: url, target: '_blank' }, [
				el('span', { className: 'badge', text: 'VIDEO' }),
				el('span', { text: 'Video' }),
			]);
		if (kind === 'audio')
			return el('a', { className: 'doc', href: url, target: '_blank' }, [
				el('span', { className: 'badge', text: 'AUDIO' }),
				el('span', { text: 'Audio' }),
			]);
		return el('span', { text: kind });
	}

	function contextNode(id) {
		var quoted = messagesById[id];
		if (!quoted) return null;
		return el('div', { className: 'context', text: snippet(quoted) });
	}

	function snippet(m) {
		if (m.direction === 'out') {
			var r = m.rendered || {};
			return (
				(r.header && r.header.text ? r.header.text + ' · ' : '') +
				(r.body || (r.media ? r.media.type : m.type))
			);
		}
		return describeInbound(m.message);
	}

	function describeInbound(msg) {
		switch (msg.type) {
			case 'text':
				return msg.text.body;
			case 'button':
				return msg.button.text;
			case 'interactive': {
				var reply = msg.interactive.button_reply || msg.interactive.list_reply;
				return reply ? reply.title : 'interactive';
			}
			case 'location':
				return 'Location: ' + (msg.location.name || msg.location.latitude + ', ' + msg.location.longitude);
			case 'document':
				return 'Document: ' + (msg.document.filename || 'Document');
			case 'image':
				return 'Photo' + (msg.image.caption ? ': ' + msg.image.caption : '');
			case 'audio':
				return 'Voice message';
			case 'video':
				return 'Video';
			case 'sticker':
				return 'Sticker';
			case 'contacts':
				return (
					'Contact: ' +
					msg.contacts
						.map(function (c) {
							return c.name.formatted_name;
						})
						.join(', ')
				);
			case 'unsupported':
				return '(unsupported message)';
			default:
				return msg.type;
		}
	}

	function clinicBubble(m) {
		var r = m.rendered || {};
		var children = [];
		if (m.templateName)
			children.push(
				el('div', {
					className: 'template-tag',
					text: 'Template · ' + m.templateName + ' (' + m.templateLanguage + ')',
				}),
			);
		if (m.context) children.push(contextNode(m.context));
		if (r.header) {
			if (r.header.type === 'text')
				children.push(el('div', { className: 'header-text', text: r.header.text }));
			else children.push(mediaNode(r.header.type, r.header.url, r.header.filename));
		}
		if (r.media) children.push(mediaNode(r.media.type, r.media.url, r.media.filename));
		var bodyText = r.body || (r.media && r.media.caption);
		if (bodyText) children.push(el('div', { className: 'body' }, [formatted(bodyText)]));
		if (r.location) {
			children.push(
				el('div', {
					text:
						'Location: ' +
						(r.location.name || '') +
						(r.location.address ? ' — ' + r.location.address : '') +
						' (' +
						r.location.latitude +
						', ' +
						r.location.longitude +
						')',
				}),
			);
		}
		if (r.contacts) {
			r.contacts.forEach(function (c) {
				children.push(
					el('div', { text: 'Contact: ' + c.name + (c.phones.length ? ' · ' + c.phones.join(', ') : '') }),
				);
			});
		}
		if (r.footer) children.push(el('div', { className: 'footer', text: r.footer }));
		if (m.status === 'failed') {
			var err = m.statuses[m.statuses.length - 1].errors;
			children.push(
				el('div', {
					className: 'error',
					text: '⚠ not delivered' + (err ? ' (' + err[0].code + ' ' + err[0].title + ')' : ''),
				}),
			);
		}
		children.push(el('div', { className: 'meta', text: timeOf(m.at) }));
		var bubble = el(
			'div',
			{ className: 'bubble', 'data-id': m.id, 'data-testid': 'clinic-message' },
			children,
		);
		var row = el('div', { className: 'row in' }, [bubble]);
		var buttons = buttonsFor(m);
		if (buttons) row.appendChild(buttons);
		return row;
	}

	function buttonsFor(m) {
		var r = m.rendered || {};
		if (!r.buttons && !r.list) return null;
		var box = el('div', { className: 'buttons' });
		(r.buttons || []).forEach(function (b) {
			if (b.type === 'QUICK_REPLY') {
				box.appendChild(
					el('button', {
						type: 'button',
						'data-kind': 'quick-reply',
						text: '↩ ' + b.text,
						onclick: function () {
							sendInbound({ type: 'button', payload: b.payload, text: b.text, context: m.id });
						},
					}),
				);
			} else if (b.type === 'reply') {
				box.appendChild(
					el('button', {
						type: 'button',
						'data-kind': 'reply-button',
						text: '↩ ' + b.text,
						onclick: function () {
							sendInbound({ type: 'button_reply', id: b.payload, title: b.text, context: m.id });
						},
					}),
				);
			} else if (b.type === 'URL' || b.type === 'cta_url') {
				box.appendChild(
					el('a', {
						href: b.url,
						target: '_blank',
						rel: 'noopener',
						'data-kind': 'url',
						text: '↗ ' + b.text,
					}),
				);
			} else if (b.type === 'PHONE_NUMBER') {
				box.appendChild(
					el('a', { href: 'tel:' + (b.phoneNumber || ''), 'data-kind': 'phone', text: '☎ ' + b.text }),
				);
			} else if (b.type === 'COPY_CODE') {
				box.appendChild(
					el('button', {
						type: 'button',
						'data-kind': 'copy-code',
						text: 'Copy code ' + b.code,
						onclick: function () {
							if (navigator.clipboard) navigator.clipboard.writeText(b.code).catch(function () {});
						},
					}),
				);
			}
		});
		if (r.list) {
			box.appendChild(
				el('button', {
					type: 'button',
					'data-kind': 'open-list',
					text: '☰ ' + r.list.button,
					onclick: function () {
						showList(m);
					},
				}),
			);
		}
		return box;
	}

	function patientBubble(m) {
		var msg = m.message;
		var children = [];
		if (msg.context) children.push(contextNode(msg.context.id));
		if (['image', 'document', 'video', 'audio', 'sticker'].indexOf(msg.type) >= 0) {
			var media = msg[msg.type];
			children.push(mediaNode(msg.type, '/_sim/media/' + media.id, media.filename));
			if (media.caption) children.push(el('div', { text: media.caption }));
		} else {
			children.push(el('div', { className: 'body' }, [formatted(describeInbound(msg))]));
		}
		children.push(el('div', { className: 'meta', text: timeOf(m.at) + (m.readByBusiness ? ' ✓✓' : ' ✓') }));
		return el('div', { className: 'row out' }, [
			el('div', { className: 'bubble', 'data-id': m.id, 'data-testid': 'patient-message' }, children),
		]);
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
			var node = m.direction === 'out' ? clinicBubble(m) : patientBubble(m);
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
		return api('GET', '/_sim/conversation?user=' + encodeURIComponent(patient.key))
			.then(function (res) {
				var json = JSON.stringify(res.data);
				if (json !== lastJson) {
					render(res.data);
					lastJson = json;
				}
			})
			.catch(function () {});
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

	function openChat(key, name) {
		key = key.trim();
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

	var params = new URLSearchParams(location.search);
	loadClinic();
	loadPatients();
	if (params.get('phone') || params.get('user'))
		openChat(params.get('phone') || params.get('user'), params.get('name') || '');
	setInterval(poll, 700);
	setInterval(loadPatients, 4000);
})();
