/**
 * The admin API's SIP trunk JSON (docs/sip.md, "Trunks: admin API") as TypeBox schemas. Imports
 * nothing of the engine or the database, as the other contract modules.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Text } from './bounds.ts';

const closed = { additionalProperties: false } as const;
const Ref = Text({ pattern: '^[A-Za-z0-9_-]{1,64}$' });

/** An IPv4 address or CIDR block (ranges checked in code: octets, prefix length). */
export const SourceAddress = Text({ pattern: '^\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?$', maxLength: 18 });
/** An E.164 number, or a prefix of one ending in `*`. */
export const NumberPattern = Text({ pattern: '^\\+[1-9]\\d{7,14}$|^\\+[1-9]\\d{3,13}\\*$' });

export const TrunkBody = Type.Object(
  {
    name: Text({ minLength: 1, maxLength: 80 }),
    host: Text({ pattern: '^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$' }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    transport: Type.Optional(Type.Unsafe<'udp'>({ type: 'string', enum: ['udp'] })),
    allowedSources: Type.Array(SourceAddress, { minItems: 1, maxItems: 50 }),
    numbers: Type.Array(NumberPattern, { minItems: 1, maxItems: 100 }),
    auth: Type.Optional(
      Type.Union([
        Type.Object(
          {
            username: Text({ pattern: '^[A-Za-z0-9._-]{1,64}$' }),
            password: Text({ minLength: 12, maxLength: 128 }),
          },
          closed,
        ),
        Type.Null(),
      ]),
    ),
  },
  closed,
);
export type TrunkBody = Static<typeof TrunkBody>;

export const TrunkParams = Type.Object({ cc: Ref, trunkId: Ref }, closed);
export type TrunkParams = Static<typeof TrunkParams>;

export interface Trunk {
  id: string;
  name: string;
  host: string;
  port: number;
  transport: 'udp';
  allowedSources: string[];
  numbers: string[];
  auth: { username: string } | null;
  createdAt: number;
}

/** An agent's SIP desk-phone credentials; the password is shown in this answer only. */
export interface SipCredentials {
  username: string;
  password: string;
  /** Where the phone registers (`sip:host:port`); null when the service's SIP side is off. */
  registrar: string | null;
  createdAt: number;
}
