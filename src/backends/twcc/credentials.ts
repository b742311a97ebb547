import { z } from 'zod';
import { openSecret, sealSecret } from '../../crypto/seal.js';
import { fail, ok, type Result } from '../../result.js';
import type { Store } from '../../store/port.js';
import { Role } from '../port.js';

/** What is kept per chat user in namespace `credentials`: the key only sealed (AES-256-GCM). */
const StoredCredential = z.object({
  v: z.literal(1),
  chatKey: z.string(),
  sealed: z.string(),
  memberId: z.string(),
  username: z.string(),
  role: Role,
  savedAt: z.string(),
});
type StoredCredential = z.infer<typeof StoredCredential>;

/** A chat user's TWCC key, opened, with the member it belongs to. */
export interface Credential {
  chatKey: string;
  apiKey: string;
  memberId: string;
  username: string;
  role: Role;
}

/** Binds a sealed key to its record: copied under another chat user, it does not open. */
const contextOf = (chatKey: string) => `twcc-chatops:credential:v1:${chatKey}`;

/** Per-chat-user TWCC keys, encrypted at rest with the ENCRYPTION_KEY. */
export class CredentialStore {
  constructor(
    private readonly store: Store,
    private readonly encryptionKey: Buffer,
    private readonly now: () => number,
  ) {}

  private space = () => this.store.collection<StoredCredential>('credentials');

  async save(credential: Credential): Promise<void> {
    const record: StoredCredential = {
      v: 1,
      chatKey: credential.chatKey,
      sealed: sealSecret(credential.apiKey, this.encryptionKey, contextOf(credential.chatKey)),
      memberId: credential.memberId,
      username: credential.username,
      role: credential.role,
      savedAt: new Date(this.now()).toISOString(),
    };
    await this.space().put(credential.chatKey, record);
  }

  /** `not_logged_in` when none is stored; `credential_invalid` when it no longer opens. */
  async load(chatKey: string): Promise<Result<Credential>> {
    const raw = await this.space().get(chatKey);
    if (raw === undefined) return fail('not_logged_in');
    const record = StoredCredential.safeParse(raw);
    if (!record.success || record.data.chatKey !== chatKey) return fail('credential_invalid', 'the stored key record is damaged');
    const apiKey = openSecret(record.data.sealed, this.encryptionKey, contextOf(chatKey));
    if (apiKey === undefined) return fail('credential_invalid', 'the stored key cannot be decrypted (was ENCRYPTION_KEY changed?)');
    const { memberId, username, role } = record.data;
    return ok({ chatKey, apiKey, memberId, username, role });
  }

  async updateRole(chatKey: string, role: Role): Promise<void> {
    const record = StoredCredential.safeParse(await this.space().get(chatKey));
    if (record.success && record.data.role !== role) await this.space().put(chatKey, { ...record.data, role });
  }

  async forget(chatKey: string): Promise<void> {
    await this.space().delete(chatKey);
  }

  /** Chat users whose stored key belonged to a tenant admin at last check, newest first. */
  async adminChatKeys(): Promise<string[]> {
    const all = (await this.store.collection<unknown>('credentials').values()).flatMap((raw) => {
      const r = StoredCredential.safeParse(raw);
      return r.success && r.data.role === 'admin' ? [r.data] : [];
    });
    return all.sort((a, b) => b.savedAt.localeCompare(a.savedAt)).map((r) => r.chatKey);
  }
}
