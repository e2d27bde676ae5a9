import { formatLabels, type AgentInfo } from '@tta/core';
import { renderAdminPage, type PageNotice } from './admin-layout';
import { AGENTS_PAGE_PATH } from './admin-paths';
import type { AgentOverview, GoneAgent } from './agent-overview';
import { html, type SafeHtml } from './html';

export { AGENTS_PAGE_PATH, BULL_BOARD_PATH, LOGOUT_PATH } from './admin-paths';
export type { PageNotice } from './admin-layout';

/** The form action that drains an agent. */
export function drainActionPath(agentId: string): string {
  return `${AGENTS_PAGE_PATH}/${encodeURIComponent(agentId)}/drain`;
}

/** What {@link renderAgentsPage} renders. */
export interface AgentsPageView extends AgentOverview {
  /** How far back gone agents are listed, in minutes (the page says so). */
  historyMinutes: number;
  /** Seconds between the page's reloads. Default: 5. */
  refreshSeconds?: number;
  /** The outcome of the last action, if any. */
  notice?: PageNotice;
}

/**
 * The agents page: live agents with their capabilities, labels, load, heartbeat age, version,
 * host, pid and status, a drain button each, and the agents gone in the last minutes greyed
 * out. A pure function: every value is escaped; the page reloads itself.
 */
export function renderAgentsPage(view: AgentsPageView): string {
  const refreshSeconds = view.refreshSeconds ?? 5;
  return renderAdminPage({
    page: 'agents',
    title: 'Agents',
    head: html`<meta http-equiv="refresh" content="${refreshSeconds};url=${AGENTS_PAGE_PATH}" />`,
    ...(view.notice && { notice: view.notice }),
    body: html`<p class="muted">
        ${view.live.length} live · read at ${new Date(view.readAt).toISOString()} · reloads every
        ${refreshSeconds} s
      </p>
      ${liveTable(view.live, view.readAt)}
      <h2>Gone in the last ${view.historyMinutes} minutes</h2>
      ${goneTable(view.gone, view.readAt)}`,
  });
}

function liveTable(agents: readonly AgentInfo[], now: number): SafeHtml {
  if (agents.length === 0) return html`<p class="muted">No live agents.</p>`;
  return html`<table id="live-agents">
    <thead>
      <tr>
        <th>Agent</th>
        <th>Type</th>
        <th>Status</th>
        <th>Capabilities</th>
        <th>Labels</th>
        <th>Active / concurrency</th>
        <th>Heartbeat</th>
        <th>Version</th>
        <th>Host</th>
        <th>PID</th>
        <th>Up</th>
        <th></th>
      </tr>
    </thead>
    <tbody>
      ${agents.map((agent) => liveRow(agent, now))}
    </tbody>
  </table>`;
}

function liveRow(agent: AgentInfo, now: number): SafeHtml {
  const draining = agent.status === 'draining';
  return html`<tr data-agent-id="${agent.id}">
    <td>${agent.id}</td>
    <td>${agent.type}</td>
    <td><span class="status status-${agent.status}">${agent.status}</span></td>
    <td class="wrap">${agent.capabilities.join(', ')}</td>
    <td class="wrap">${formatLabels(agent.labels) || '–'}</td>
    <td>${agent.activeJobs} / ${agent.concurrency}</td>
    <td>${formatAge(agent.heartbeatAgeMs)} ago</td>
    <td>${agent.version}</td>
    <td>${agent.host}</td>
    <td>${agent.pid}</td>
    <td>${formatAge(now - agent.startedAt)}</td>
    <td>
      <form method="post" action="${drainActionPath(agent.id)}">
        ${
          draining
            ? html`<button type="submit" disabled>Draining</button>`
            : html`<button type="submit">Drain</button>`
        }
      </form>
    </td>
  </tr> `;
}

function goneTable(agents: readonly GoneAgent[], now: number): SafeHtml {
  if (agents.length === 0) return html`<p class="muted">None.</p>`;
  return html`<table id="gone-agents">
    <thead>
      <tr>
        <th>Agent</th>
        <th>Type</th>
        <th>Event</th>
        <th>When</th>
        <th>Reason</th>
      </tr>
    </thead>
    <tbody>
      ${agents.map(
        (agent) =>
          html`<tr class="gone" data-agent-id="${agent.id}">
            <td>${agent.id}</td>
            <td>${agent.type}</td>
            <td>${agent.how}</td>
            <td>${formatAge(now - agent.at)} ago</td>
            <td class="wrap">${agent.reason ?? ''}</td>
          </tr> `,
      )}
    </tbody>
  </table>`;
}

/** A duration for people: `0.4 s`, `12 s`, `3 min`, `2 h 5 min`, `3 d 4 h`. */
export function formatAge(ms: number): string {
  const clamped = Math.max(0, ms);
  if (clamped < 10_000) return `${(clamped / 1000).toFixed(1)} s`;
  const seconds = Math.floor(clamped / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
