/**
 * The real-time signal sources a contact center offers to Conversation Intelligence rules
 * (`IntelligenceServiceProvider`). Signal type names are those of `service_cloud_voice.IntelligenceSignalType`.
 */
import type { IntelligenceService } from '../contracts/adminApi.ts';

export const INTELLIGENCE_SERVICES: readonly IntelligenceService[] = [
  {
    service: 'SwitchboardSignals',
    label: 'Switchboard Real-Time Signals',
    signalTypes: ['Sentiment', 'Category'],
  },
];
