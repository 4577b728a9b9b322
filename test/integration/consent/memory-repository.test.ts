import { MemoryConsentRepository } from '../../../core/consent/repositories/memory';
import { repositoryContract } from './repository-contract';

repositoryContract('memory', async () => {
	const repo = new MemoryConsentRepository();
	return { repo, reads: () => repo.reads };
});
