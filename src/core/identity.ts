import { z } from 'zod';
import { LoginVia, Role, type Actor, type Backend } from '../backends/port.js';
import { ok, type Result } from '../result.js';
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

/**
 * ADMINS entries, by chat identity: `slack:U1` is an admin of their own (member named after the
 * chat user); `anna=slack:U1+discord:2` is one person on two platforms, so both identities are the
 * member `anna`, and the two-person rule sees one person. The entries are checked in src/config.ts.
 */
export function adminMembers(entries: Iterable<string>): Map<string, string | undefined> {
  const byChatKey = new Map<string, string | undefined>();
  for (const entry of entries) {
    const named = /^([^=]+)=(.+)$/.exec(entry);
    const member = named ? named[1]!.trim().toLowerCase() : undefined;
    for (const key of (named ? named[2]! : entry).split('+')) byChatKey.set(key.trim(), member);
  }
  return byChatKey;
}

/** A chat user's member when ADMINS does not name one: their id, lower case. */
const memberFromUserId = (userId: string): string => userId.replace(/[^A-Za-z0-9._@-]/g, '').toLowerCase() || 'admin';

/** Chat identity → tenant member → role. */
export class Identity {
  constructor(
    private readonly store: Store,
    private readonly backend: Backend,
    /** ADMINS as adminMembers() read them: chat key → the member it names, if any. */
    private readonly admins: ReadonlyMap<string, string | undefined>,
    private readonly now: () => number,
    /** Notes a backend change for the invocation this identity serves (src/core/changes.ts). */
    private readonly changing: <R>(change: Promise<R>) => Promise<R> = (change) => change,
  ) {}

  private get links() {
    return this.store.collection<Link>('links');
  }

  async linkOf(platform: ChatUser['platform'], userId: string): Promise<Link | undefined> {
    const raw = await this.links.get(chatKey({ platform, userId }));
    return raw ? Link.parse(raw) : undefined;
  }

  /**
   * The member a chat user is, changing nothing: their link's, else the one their ADMINS entry names
   * (linked on their first command). Reads only: for what is not an authorization (their language).
   */
  async memberIdOf(user: Pick<ChatUser, 'platform' | 'userId'>): Promise<string | undefined> {
    return this.memberIdFrom(user, await this.linkOf(user.platform, user.userId));
  }

  /** memberIdOf with the chat user's link already read (`undefined`: they have none). */
  memberIdFrom(user: Pick<ChatUser, 'platform' | 'userId'>, link: Link | undefined): string | undefined {
    if (link) return link.memberId;
    const key = chatKey(user);
    if (!this.admins.has(key) || !this.backend.capabilities.adminLinks) return undefined;
    return this.admins.get(key) ?? memberFromUserId(user.userId);
  }

  /**
   * The actor behind a chat user, or undefined when unlinked. ADMINS entries are linked as admins
   * on first sight (to the member the entry names, else one named after the chat user); twcc roles
   * are refreshed every 10 minutes. Every change of a link is made under that link's lock.
   * `read`: the link as this invocation already read it (the core reads it once for the caller's
   * language too), so it is not read again; every change still re-reads it under the lock.
   */
  async resolve(user: ChatUser, read?: { link: Link | undefined }): Promise<Actor | undefined> {
    return (await this.resolveWithLink(user, read)).actor;
  }

  /** resolve(), with the link the actor came from (as made or refreshed here), for a command that shows it. */
  async resolveWithLink(user: ChatUser, read?: { link: Link | undefined }): Promise<{ actor: Actor | undefined; link: Link | undefined }> {
    let link = read ? read.link : await this.linkOf(user.platform, user.userId);
    const key = chatKey(user);
    if (this.admins.has(key) && this.backend.capabilities.adminLinks) {
      const member = this.admins.get(key) ?? link?.memberId ?? memberFromUserId(user.userId);
      if (!link || link.role !== 'admin' || link.memberId !== member) {
        // Under the link's lock: two first commands of one admin at once make one link.
        link = await withLock(this.store, `link:${key}`, async () => {
          const again = await this.linkOf(user.platform, user.userId);
          if (again && again.role === 'admin' && again.memberId === member) return again;
          const ensured = await this.changing(this.backend.ensureMember(member));
          if (!ensured.ok) throw new Error(`ADMINS member ${member} could not be created: ${ensured.code}`);
          return this.save(user, member, 'admin', 'ADMINS');
        });
      }
    }
    if (!link) return { actor: undefined, link: undefined };
    const actor: Actor = { chatKey: key, memberId: link.memberId, role: link.role };
    if (!this.backend.capabilities.adminLinks && this.now() - (link.roleCheckedAt ?? 0) > ROLE_REFRESH_MS) {
      const fresh = await this.backend.refreshRole(actor);
      if (fresh.ok && fresh.value) {
        const role = fresh.value;
        actor.role = role;
        // Re-read under the lock: a login that relinked meanwhile is kept, only the role is refreshed.
        link = await withLock(this.store, `link:${key}`, async () => {
          const current = await this.linkOf(user.platform, user.userId);
          if (current?.memberId !== link!.memberId) return link!;
          const refreshed = { ...current, role, roleCheckedAt: this.now() };
          await this.links.put(key, refreshed);
          return refreshed;
        });
      }
    }
    return { actor, link };
  }

  /**
   * Links a chat user to `memberId` under the link's lock; says what it replaced and which other
   * chat identities the member already has (they are one person to the two-person rule).
   */
  async link(
    user: Pick<ChatUser, 'platform' | 'userId' | 'name'>,
    memberId: string,
    role: Role,
    linkedBy: string,
  ): Promise<Result<{ link: Link; previous: Link | undefined; others: Link[] }>> {
    const key = chatKey(user);
    return withLock(this.store, `link:${key}`, async () => {
      const member = await this.changing(this.backend.ensureMember(memberId));
      if (!member.ok) return member;
      const previous = await this.linkOf(user.platform, user.userId);
      const link = await this.save(user, memberId, role, linkedBy);
      const others = (await this.all()).filter((l) => l.memberId === memberId && l.chatKey !== key);
      return ok({ link, previous, others });
    });
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
    // Count people, not chat identities: one person on two platforms is one member.
    const others = new Set(links.filter((l) => l.role === 'admin' && l.memberId !== memberId).map((l) => l.memberId));
    if (this.backend.capabilities.adminLinks) {
      for (const [key, named] of this.admins) {
        const member = named ?? memberFromUserId(key.slice(key.indexOf(':') + 1));
        if (member !== memberId && !links.some((l) => l.chatKey === key)) others.add(member);
      }
    }
    return others.size;
  }

  async remove(platform: ChatUser['platform'], userId: string): Promise<boolean> {
    return this.links.delete(chatKey({ platform, userId }));
  }

  async all(): Promise<Link[]> {
    return (await this.links.values()).map((l) => Link.parse(l));
  }

  /** Each chat identity linked to `memberId` (one per platform they use), to be told something privately. */
  async chatUsersOf(memberId: string): Promise<ChatUser[]> {
    return (await this.all())
      .filter((l) => l.memberId === memberId)
      .map((l) => ({ platform: l.platform, workspace: '-', userId: l.userId, ...(l.name ? { name: l.name } : {}) }));
  }
}
