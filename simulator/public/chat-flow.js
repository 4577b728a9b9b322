/* Patient chat page: WhatsApp Flows. A `flow` message shows its CTA as a button; tapping it opens the Flow in a
 * full-height sheet (POST /_sim/flows/open). The simulator plays the WhatsApp client — it keeps the screens, resolves
 * the bindings, calls the Flow's data endpoint with Meta's encryption and sends the nfm_reply when the Flow closes —
 * so this script only draws the screen it gets and posts the form (POST /_sim/flows/submit | back | close).
 * Stable hooks: [data-kind="open-flow"], #flow-sheet, #flow-title, #flow-back, #flow-close, [data-flow-input=name]
 * (inputs, selects, radio/checkbox groups), #flow-footer, .flow-notice, .flow-missing, #flow-error.
 * Plain browser JS, no build step; uses window.SimChat (chat.js) and window.SimChatRender (chat-render.js). */
window.SimChatFlow = (function () {
	'use strict';

	var R = window.SimChatRender;
	var el = R.el;
	var session = null; // the last view from the simulator

	function sheet() {
		var node = document.getElementById('flow-sheet');
		if (node) return node;
		node = el('div', { id: 'flow-sheet', hidden: 'hidden' }, [
			el('div', { className: 'flow-panel' }, [
				el('div', { className: 'flow-bar' }, [
					el('button', { type: 'button', id: 'flow-back', text: '←', title: 'Back', onclick: back }),
					el('div', { id: 'flow-title' }),
					el('button', { type: 'button', id: 'flow-close', text: '✕', title: 'Close', onclick: close }),
				]),
				el('div', { id: 'flow-body' }),
				el('div', { id: 'flow-foot' }),
			]),
		]);
		document.getElementById('chat').appendChild(node);
		return node;
	}

	function post(path, body) {
		return window.SimChat.api('POST', '/_sim/flows/' + path, body).then(show, function (e) {
			alert('Flow: ' + e.message);
		});
	}

	function open(m) {
		var body = window.SimChat.sender();
		if (!body) return;
		body.messageId = m.id;
		sheet().hidden = false;
		document.getElementById('flow-title').textContent = 'Loading…';
		document.getElementById('flow-body').textContent = '';
		document.getElementById('flow-foot').textContent = '';
		post('open', body);
	}

	function back() {
		if (session && session.state === 'open') post('back', { sessionId: session.id });
		else hide();
	}

	function close() {
		if (session && session.state === 'open') post('close', { sessionId: session.id });
		else hide();
	}

	function hide() {
		sheet().hidden = true;
		session = null;
		window.SimChat.poll();
	}

	/* The form values of the screen, as the client sends them. */
	function values() {
		var out = {};
		var nodes = document.querySelectorAll('#flow-body [data-flow-input]');
		Array.prototype.forEach.call(nodes, function (n) {
			var name = n.getAttribute('data-flow-input');
			var kind = n.getAttribute('data-flow-kind');
			if (kind === 'RadioButtonsGroup') {
				var picked = n.querySelector('input:checked');
				if (picked) out[name] = picked.value;
			} else if (kind === 'CheckboxGroup') {
				out[name] = Array.prototype.map.call(n.querySelectorAll('input:checked'), function (c) {
					return c.value;
				});
			} else if (kind === 'OptIn') out[name] = n.checked;
			else if (n.value !== '') out[name] = n.value;
		});
		return out;
	}

	function submit() {
		var footer = document.getElementById('flow-footer');
		if (footer) {
			footer.disabled = true;
			footer.textContent = '…';
		}
		post('submit', { sessionId: session.id, form: values() });
	}

	function options(c) {
		return Array.isArray(c['data-source']) ? c['data-source'] : [];
	}

	function labelled(c, control) {
		return el('label', { className: 'flow-field', 'data-field': c.name }, [
			el('span', { className: 'flow-label', text: c.label + (c.required ? '' : ' (optional)') }),
			control,
			c['helper-text'] ? el('small', { className: 'flow-helper', text: c['helper-text'] }) : null,
		]);
	}

	function choiceGroup(c, type) {
		var box = el('div', { className: 'flow-choices', 'data-flow-input': c.name, 'data-flow-kind': c.type });
		options(c).forEach(function (o) {
			box.appendChild(
				el('label', { className: 'flow-choice', 'data-option-id': o.id }, [
					el('input', { type: type, name: 'flow-' + c.name, value: o.id }),
					el('span', { text: o.title }),
					o.description ? el('small', { text: o.description }) : null,
				]),
			);
		});
		return el('fieldset', { className: 'flow-field', 'data-field': c.name }, [
			el('legend', { className: 'flow-label', text: c.label || '' }),
			box,
		]);
	}

	var INPUT_TYPES = {
		number: 'number',
		email: 'email',
		password: 'password',
		passcode: 'password',
		phone: 'tel',
	};

	function component(c) {
		var input = { 'data-flow-input': c.name, 'data-flow-kind': c.type };
		switch (c.type) {
			case 'TextHeading':
				return el('h2', { className: 'flow-heading', text: c.text });
			case 'TextSubheading':
				return el('h3', { className: 'flow-subheading', text: c.text });
			case 'TextBody':
			case 'RichText':
				return el('p', { className: 'flow-text', text: Array.isArray(c.text) ? c.text.join('\n') : c.text });
			case 'TextCaption':
				return el('small', { className: 'flow-caption', text: c.text });
			case 'TextInput':
				input.type = INPUT_TYPES[c['input-type']] || 'text';
				if (c['init-value'] !== undefined) input.value = c['init-value'];
				return labelled(c, el('input', input));
			case 'TextArea':
				return labelled(c, el('textarea', input));
			case 'Dropdown': {
				var select = el('select', input, [el('option', { value: '', text: 'Select…' })]);
				options(c).forEach(function (o) {
					select.appendChild(el('option', { value: o.id, text: o.title }));
				});
				return labelled(c, select);
			}
			case 'RadioButtonsGroup':
				return choiceGroup(c, 'radio');
			case 'CheckboxGroup':
				return choiceGroup(c, 'checkbox');
			case 'DatePicker':
			case 'CalendarPicker':
				input.type = 'date';
				if (c['min-date']) input.min = c['min-date'];
				if (c['max-date']) input.max = c['max-date'];
				return labelled(c, el('input', input));
			case 'OptIn':
				input.type = 'checkbox';
				return el('label', { className: 'flow-optin', 'data-field': c.name }, [
					el('input', input),
					el('span', { text: c.label }),
				]);
			case 'Image':
				return el('img', {
					className: 'flow-image',
					src: 'data:image/png;base64,' + c.src,
					alt: c['alt-text'] || '',
				});
			case 'EmbeddedLink':
				return el('span', { className: 'flow-link', text: c.text });
			default:
				return null;
		}
	}

	function markMissing(names) {
		Array.prototype.forEach.call(document.querySelectorAll('#flow-body .flow-missing'), function (n) {
			n.classList.remove('flow-missing');
		});
		names.forEach(function (name) {
			var field = document.querySelector('#flow-body [data-field="' + name + '"]');
			if (field) field.classList.add('flow-missing');
		});
		var footer = document.getElementById('flow-footer');
		if (footer) {
			footer.disabled = false;
			footer.textContent = footer.getAttribute('data-label');
		}
	}

	function show(v) {
		if (!v) return;
		var same =
			session && v.screen && session.screen && session.screen.id === v.screen.id && session.id === v.id;
		session = v;
		if (v.state === 'completed' || v.state === 'closed') return hide();
		if (same && v.missing) return markMissing(v.missing);
		var body = document.getElementById('flow-body');
		var foot = document.getElementById('flow-foot');
		body.textContent = '';
		foot.textContent = '';
		document.getElementById('flow-back').disabled = v.state !== 'open';
		if (v.state === 'failed') {
			document.getElementById('flow-title').textContent = v.error.title;
			body.appendChild(el('div', { id: 'flow-error', className: 'flow-error', text: v.error.message }));
			foot.appendChild(el('button', { type: 'button', id: 'flow-footer', text: 'OK', onclick: hide }));
			return;
		}
		document.getElementById('flow-title').textContent = v.screen.title || '';
		if (v.notice) body.appendChild(el('div', { className: 'flow-notice', text: v.notice }));
		v.screen.components.forEach(function (c) {
			if (c.type === 'Footer') {
				foot.appendChild(
					el('button', {
						type: 'button',
						id: 'flow-footer',
						'data-label': c.label,
						text: c.label,
						onclick: submit,
					}),
				);
			} else {
				var node = component(c);
				if (node) body.appendChild(node);
			}
		});
		foot.appendChild(el('small', { className: 'flow-managed', text: 'Managed by the business. Learn more' }));
	}

	R.hooks.decorate.push(function (m, box) {
		(m.rendered && m.rendered.buttons ? m.rendered.buttons : []).forEach(function (b) {
			if (b.type !== 'flow') return;
			box.appendChild(
				el('button', {
					type: 'button',
					'data-kind': 'open-flow',
					text: '▤ ' + b.text,
					onclick: function () {
						open(m);
					},
				}),
			);
		});
	});

	return {
		open: open,
		session: function () {
			return session;
		},
	};
})();
