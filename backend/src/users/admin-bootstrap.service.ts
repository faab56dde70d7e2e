import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { UsersService } from './users.service.js';
import { ProblemException } from '../common/problem.js';

/** Creates the ADMIN_EMAIL account on start when it does not exist; an existing account is left alone. */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('AdminBootstrap');
  }

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.admin;
    if (!admin || (await this.users.findByEmail(admin.email))) return;
    try {
      const user = await this.users.create({ email: admin.email, password: admin.password, name: 'Administrator', role: 'admin' });
      this.logger.info({ userId: user.id }, 'bootstrap admin created');
    } catch (error) {
      // Another instance starting at the same moment created it first.
      if (!(error instanceof ProblemException && error.getStatus() === 409)) throw error;
    }
  }
}
