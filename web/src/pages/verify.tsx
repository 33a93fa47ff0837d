import { Page } from '../ui.tsx';
import { VerifyBox } from './verify-box.tsx';

export function VerifyPage() {
  return (
    <Page title="Verify a badge">
      <p>Check that a badge is genuine, unchanged and still valid.</p>
      <VerifyBox labelledBy="page-title" />
    </Page>
  );
}
