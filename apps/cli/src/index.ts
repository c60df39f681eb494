export { BaseCommand } from './lib/base-command.js';
