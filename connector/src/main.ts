/** The connector's entry: hands our VendorConnector to the base library as early as possible. */
import { initializeConnector } from 'scv-connector-base';
import { SwitchboardConnector } from './vendorConnector.ts';

initializeConnector(new SwitchboardConnector());
