/* Patient chat page: how messages are drawn (WhatsApp-like bubbles, template buttons, lists, media).
 * Plain browser JS, no build step. chat.js sets the hooks (send a patient reply, open a list, look up a message). */
window.SimChatRender = (function () {
	'use strict';

	var hooks = {
		send: function () {},
		showList: function () {},
		lookup: function () {
			return undefined;
		},
		/* More buttons for a clinic message (chat-groups.js: join a group; chat-calls.js: calls). */
		decorate: [],
	};

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
		var quoted = hooks.lookup(id);
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
				if (msg.interactive.nfm_reply) return '▤ ' + (msg.interactive.nfm_reply.body || 'Sent');
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
		var box = el('div', { className: 'buttons' });
		(r.buttons || []).forEach(function (b) {
			if (b.type === 'QUICK_REPLY') {
				box.appendChild(
					el('button', {
						type: 'button',
						'data-kind': 'quick-reply',
						text: '↩ ' + b.text,
						onclick: function () {
							hooks.send({ type: 'button', payload: b.payload, text: b.text, context: m.id });
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
							hooks.send({ type: 'button_reply', id: b.payload, title: b.text, context: m.id });
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
						hooks.showList(m);
					},
				}),
			);
		}
		hooks.decorate.forEach(function (d) {
			d(m, box);
		});
		return box.childNodes.length ? box : null;
	}

	function patientBubble(m) {
		var msg = m.message;
		var children = [];
		if (msg.context) children.push(contextNode(msg.context.id));
		if (['image', 'document', 'video', 'audio', 'sticker'].indexOf(msg.type) >= 0) {
			var media = msg[msg.type];
			children.push(mediaNode(msg.type, '/_sim/media/' + media.id, media.filename));
			children.push(
				el('div', {
					text: media.caption || (msg.type === 'image' ? 'Photo' : msg.type === 'sticker' ? 'Sticker' : ''),
				}),
			);
		} else {
			children.push(el('div', { className: 'body' }, [formatted(describeInbound(msg))]));
		}
		children.push(el('div', { className: 'meta', text: timeOf(m.at) + (m.readByBusiness ? ' ✓✓' : ' ✓') }));
		return el('div', { className: 'row out' }, [
			el('div', { className: 'bubble', 'data-id': m.id, 'data-testid': 'patient-message' }, children),
		]);
	}

	/* A message another participant wrote in a group: on the left, under their name. */
	function memberBubble(m) {
		return el('div', { className: 'row in' }, [
			el('div', { className: 'bubble member', 'data-id': m.id, 'data-testid': 'member-message' }, [
				el('div', { className: 'author', text: m.authorName || m.author }),
				el('div', { className: 'body' }, [formatted(describeInbound(m.message))]),
				el('div', { className: 'meta', text: timeOf(m.at) }),
			]),
		]);
	}

	return {
		hooks: hooks,
		el: el,
		clinicBubble: clinicBubble,
		patientBubble: patientBubble,
		memberBubble: memberBubble,
	};
})();
