({
  /** Lists each message of the channel, newest first, the last 20. */
  handleMessage: function (component, message) {
    var payload = message.getParam('payload');
    var entry = {
      source: message.getParam('source') || 'unknown',
      text: typeof payload === 'string' ? payload : JSON.stringify(payload),
    };
    component.set('v.messages', [entry].concat(component.get('v.messages')).slice(0, 20));
  },
});
