/**
 * What Salesforce routes to: transfer destinations for queue mapping (`TransferDestinationProvider`)
 * and the dialed numbers for Contact Center Channels (`PhoneNumberProvider`).
 */
import { numberInfo } from '../../../shared/phoneNumbers.ts';
import type { ContactCenterTable } from '../db/schema.ts';
import type { Engine } from '../engine/engine.ts';
import type { DestinationQuery, PartnerPhoneNumber, TransferDestination } from '../contracts/adminApi.ts';

/** Queues, then flows (by their developer name), each by name. */
export async function transferDestinations(
  engine: Engine,
  cc: ContactCenterTable,
  query: DestinationQuery,
): Promise<TransferDestination[]> {
  const destinations: TransferDestination[] = [];
  const byName = (a: TransferDestination, b: TransferDestination) =>
    a.name.localeCompare(b.name, 'en') || a.id.localeCompare(b.id);
  if (query.destinationType !== 'flow') {
    const queues = await engine.db
      .selectFrom('queues')
      .select(['id', 'name'])
      .where('contact_center_id', '=', cc.id)
      .execute();
    destinations.push(
      ...queues.map((q) => ({ destinationType: 'queue' as const, id: q.id, name: q.name })).sort(byName),
    );
  }
  if (query.destinationType !== 'queue') {
    const flows = await engine.db
      .selectFrom('flows')
      .select(['id', 'dev_name'])
      .where('contact_center_id', '=', cc.id)
      .execute();
    destinations.push(
      ...flows.map((f) => ({ destinationType: 'flow' as const, id: f.id, name: f.dev_name })).sort(byName),
    );
  }
  return destinations;
}

/** The contact center's dialed numbers with their country and line type (libphonenumber-js). */
export async function phoneNumbers(engine: Engine, cc: ContactCenterTable): Promise<PartnerPhoneNumber[]> {
  const rows = await engine.db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('contact_center_id', '=', cc.id)
    .orderBy('number')
    .execute();
  return rows.map((r) => {
    const { countryCode, numberType } = numberInfo(r.number);
    return {
      phoneNumber: r.number,
      countryCode,
      numberType,
      label: r.label,
      targetType: r.target_type,
      targetId: r.target_id,
    };
  });
}
