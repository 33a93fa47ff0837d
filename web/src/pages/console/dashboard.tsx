import { api } from '../../api/client.ts';
import { Loaded, useLoad } from '../../ui.tsx';
import { ConsolePage } from './common.tsx';

function monthName(month: string): string {
  const d = new Date(`${month}-01T00:00:00Z`);
  return Number.isNaN(d.getTime())
    ? month
    : d.toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

function Dashboard(props: { issuerId: string }) {
  const [load] = useLoad(
    () =>
      api.GET('/issuers/{issuerId}/dashboard', {
        params: { path: { issuerId: props.issuerId } },
      }),
    [props.issuerId],
  );
  return (
    <Loaded load={load} what="the dashboard">
      {(d) => (
        <>
          {!d.complete && (
            <p class="notice">These counts cover only part of your data: a cap was reached.</p>
          )}
          <ul class="numbers" aria-label="Totals">
            <li>
              <strong>{d.totals.issued}</strong> issued
            </li>
            <li>
              <strong>{d.totals.active}</strong> active
            </li>
            <li>
              <strong>{d.totals.revoked}</strong> revoked
            </li>
            <li>
              <strong>{d.totals.suspended}</strong> suspended
            </li>
            <li>
              <strong>{d.imports.citing}</strong> imported by learners
            </li>
          </ul>
          <h2>Issued per achievement and month</h2>
          {d.issuedByMonth.length === 0 ? (
            <p class="muted">Nothing issued yet.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Month</th>
                    <th scope="col">Achievement</th>
                    <th scope="col">Issued</th>
                  </tr>
                </thead>
                <tbody>
                  {d.issuedByMonth.map((row) => (
                    <tr key={`${row.month}-${row.achievementId}`}>
                      <td>{monthName(row.month)}</td>
                      <td>{row.achievementName}</td>
                      <td>{row.issued}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>Revocations and suspensions</h2>
          {d.revocations.length === 0 ? (
            <p class="muted">No credential has been revoked or suspended.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Achievement</th>
                    <th scope="col">Revoked</th>
                    <th scope="col">Suspended</th>
                  </tr>
                </thead>
                <tbody>
                  {d.revocations.map((row) => (
                    <tr key={row.achievementId}>
                      <td>{row.achievementName}</td>
                      <td>{row.revoked}</td>
                      <td>{row.suspended}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>Pathway completions</h2>
          {d.pathwayCompletions.length === 0 ? (
            <p class="muted">No pathway has been completed yet.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Pathway</th>
                    <th scope="col">Awarded</th>
                    <th scope="col">Still active</th>
                    <th scope="col">Milestones</th>
                  </tr>
                </thead>
                <tbody>
                  {d.pathwayCompletions.map((row) => (
                    <tr key={row.pathwayId}>
                      <td>{row.pathwayId}</td>
                      <td>{row.awarded}</td>
                      <td>{row.active}</td>
                      <td>{row.milestones}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>Imports citing you</h2>
          <p>
            Learners imported {d.imports.citing} of your credentials from elsewhere (
            {d.imports.verified} verified now), out of {d.imports.read} imports read.
          </p>
        </>
      )}
    </Loaded>
  );
}

export function DashboardPage() {
  return (
    <ConsolePage title="Issuer dashboard">
      {(issuerId) => <Dashboard issuerId={issuerId} />}
    </ConsolePage>
  );
}
