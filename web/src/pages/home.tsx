import { Page } from '../ui.tsx';
import { VerifyBox } from './verify-box.tsx';

/** The public front page: what credstack is, who issues here, and a box to verify a badge. */
export function Home() {
  return (
    <Page title="Verifiable badges you can stack and show">
      <p class="lead">
        credstack issues Open Badges 3.0 credentials signed by the issuer, stacks them into pathways
        that award themselves, and lets employers find candidates by the skills their badges prove —
        only when the learner agrees.
      </p>
      <div class="grid two">
        <div class="card">
          <h2>Learners</h2>
          <p>See your badges, how far you are along each stack, and choose who may find you.</p>
          <a class="button" href="/app/sign-in">
            Sign in
          </a>
        </div>
        <div class="card">
          <h2>Employers</h2>
          <p>Search by skill; every candidate comes with the badges that prove each skill.</p>
          <a class="button" href="/app/sign-in">
            Sign in as an employer
          </a>
        </div>
      </div>
      <h2>Issuers</h2>
      <p>
        Colleges and training providers publish their keys as <code>did:web</code> documents; every
        badge names its issuer and verifies against that issuer's key. The demo issuer is Northfield
        Technical College.
      </p>
      <h2 id="verify-heading">Verify a badge</h2>
      <VerifyBox labelledBy="verify-heading" />
    </Page>
  );
}
