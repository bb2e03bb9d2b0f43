import type { MergeEvidence } from '../../../../src/customers/contracts.js';
import { useI18n } from '../i18n/context.js';
import { evidenceText } from './text.js';

export function EvidenceList({ evidence }: { evidence: MergeEvidence[] }) {
  const { t } = useI18n();
  return (
    <ul className="evidence" data-testid="evidence">
      {evidence.map((e) => (
        <li key={`${e.kind}:${e.detail}`} data-kind={e.kind} className={e.weight >= 0.7 ? 'evidence-strong' : 'evidence-weak'}>
          <bdi>{evidenceText(e.kind, e.detail, t)}</bdi>
        </li>
      ))}
    </ul>
  );
}
