({
  /** Publishes a message of the connector on the channel, marked as the connector's. */
  publishMessage: function (component, event) {
    var message = event.getParam('arguments').message;
    component.find('switchboardChannel').publish({ source: 'CONNECTOR', payload: message });
  },

  /** Hands other components' messages to the connector; drops the connector's own (no echo). */
  handleMessage: function (component, message) {
    var source = message.getParam('source');
    if (source === 'CONNECTOR') {
      return;
    }
    var toConnector = component.get('v.handleMessage');
    if (toConnector) {
      toConnector(message.getParam('payload'));
    }
  },
});
