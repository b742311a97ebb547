import { z } from 'zod';
import { LoginVia, Role, type Actor, type Backend } from '../backends/port.js';
import { withLock } from '../store/lock.js';
import type { Store } from '../store/port.js';
import { chatKey, Platform, type ChatUser } from './invocation.js';

export const Link = z.object({
  chatKey: z.string(),
  platform: Platform,
  userId: z.string(),
  name: z.string().optional(),
  memberId: z.string(),
  /** Backend username (TWCC `username`), when it differs from the member id. */
  username: z.string().optional(),
  role: Role,
  linkedAt: z.string(),
  linkedBy: z.string(),
  /** When the backend last confirmed the role (twcc). */
  roleCheckedAt: z.number().optional(),
  /** How the backend found out who the member is at `/tenant login` (twcc). */
  loginVia: LoginVia.optional(),
});
/** A chat user mapped to a tenant member and role. */
export type Link = z.infer<typeof Link>;

const ROLE_REFRESH_MS = 10 * 60 * 1000;

/** Chat identity → tenant member → role. */
export class Identity {
  constructor(
    private readonly store: Store,
    private readonly backend: Backend,
    private readonly admins: ReadonlySet<string>,
    private readonly now: () => number,
  ) {}

  private get links() {
    return this.store.collection<Link>('links');
  }

  async linkOf(platform: ChatUser['platform'], userId: string): Promise<Link | undefined> {
    const raw = await this.links.get(chatKey({ platform, userId }));
    return raw ? Link.parse(raw) : undefined;
  }

  /**
   * The actor behind a chat user, or undefined when unlinked. ADMINS entries are linked as admins
   * on first sight (member named after the chat user); twcc roles are refreshed every 10 minutes.
   */
  async resolve(user: ChatUser): Promise<Actor | undefined> {
    let link = await this.linkOf(user.platform, user.userId);
    const key = chatKey(user);
    if (!link && this.admins.has(key) && this.backend.capabilities.adminLinks) {
      // Under the link's lock: two first commands of one admin at once create one link.
      link = await withLock(this.store, `link:${key}`, async () => {
        const again = await this.linkOf(user.platform, user.userId);
        if (again) return again;
        const memberId = user.userId.replace(/[^A-Za-z0-9._@-]/g, '').toLowerCase() || 'admin';
        await this.backend.ensureMember(memberId);
        return this.save(user, memberId, 'admin', 'ADMINS');
      });
    }
    if (!link) return undefined;
    if (this.admins.has(key) && link.role !== 'admin' && this.backend.capabilities.adminLinks) {
      link = { ...link, role: 'admin' };
      await this.links.put(key, link);
    }
    const actor: Actor = { chatKey: key, memberId: link.memberId, role: link.role };
    if (!this.backend.capabilities.adminLinks && this.now() - (link.roleCheckedAt ?? 0) > ROLE_REFRESH_MS) {
      const fresh = await this.backend.refreshRole(actor);
      if (fresh.ok && fresh.value) {
        actor.role = fresh.value;
        await this.links.put(key, { ...link, role: fresh.value, roleCheckedAt: this.now() });
      }
    }
    return actor;
  }

  async save(
    user: Pick<ChatUser, 'platform' | 'userId' | 'name'>,
    memberId: string,
    role: Role,
    linkedBy: string,
    extra: { username?: string; roleCheckedAt?: number; loginVia?: LoginVia } = {},
  ): Promise<Link> {
    const link: Link = {
      chatKey: chatKey(user),
      platform: user.platform,
      userId: user.userId,
      ...(user.name ? { name: user.name } : {}),
      memberId,
      role,
      linkedAt: new Date(this.now()).toISOString(),
      linkedBy,
      ...extra,
    };
    await this.links.put(link.chatKey, link);
    return link;
  }

  /** Listed in ADMINS: stays an admin whatever a link says (on a backend where admins link members). */
  isPinnedAdmin(user: Pick<ChatUser, 'platform' | 'userId'>): boolean {
    return this.backend.capabilities.adminLinks && this.admins.has(chatKey(user));
  }

  /**
   * How many admins other than `memberId` could approve: linked admins of other members, and ADMINS
   * entries not linked yet (each becomes an admin on its first command).
   */
  async otherAdmins(memberId: string): Promise<number> {
    const links = await this.all();
    const linked = links.filter((l) => l.role === 'admin' && l.memberId !== memberId).length;
    const unlinked = this.backend.capabilities.adminLinks ? [...this.admins].filter((k) => !links.some((l) => l.chatKey === k)).length : 0;
    return linked + unlinked;
  }

  async remove(platform: ChatUser['platform'], userId: string): Promise<boolean> {
    return this.links.delete(chatKey({ platform, userId }));
  }

  async all(): Promise<Link[]> {
    return (await this.links.values()).map((l) => Link.parse(l));
  }
}
